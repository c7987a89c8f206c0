import type { estypes } from '@elastic/elasticsearch'
import { compileKql, type CompileOptions } from './compile.ts'
import { parseKql } from './parser.ts'

export { KqlError } from './kql-error.ts'
export { compileKql, type CompileOptions } from './compile.ts'
export { parseKql } from './parser.ts'
export type { KqlNode } from './ast.ts'

/** KQL text to an Elasticsearch query; throws KqlError (with the position) for anything it cannot take. */
export function kqlToQuery (input: string, options: CompileOptions): estypes.QueryDslQueryContainer {
  return compileKql(parseKql(input), options)
}
