import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { EventInput } from './schema.ts'
import { registerFormats } from './formats.ts'
import type { FieldError } from '../errors.ts'

registerFormats()

// Checkers report FieldErrors, so their callers find the type here too.
export type { FieldError }

const MAX_ERRORS_PER_EVENT = 20

export type ShapeChecker = (value: unknown, index: number) => FieldError[]

/** A compiled validator for a schema: every problem found, at most 20 per value, one per path. */
export function compileChecker (schema: TSchema): ShapeChecker {
  const checker = TypeCompiler.Compile(schema)
  return (value, index) => checker.Check(value) ? [] : collectErrors(checker.Errors(value), index)
}

/** Structural validation of one event against the event schema. */
export const checkShape: ShapeChecker = compileChecker(EventInput)

function collectErrors (found: Iterable<ValueError>, index: number): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  for (const e of found) {
    const path = e.path === '' ? '/' : e.path
    // A union reports once per branch; one message per path is enough to act on.
    if (seen.has(path)) continue
    seen.add(path)
    errors.push({ index, path, message: explain(e) })
    if (errors.length >= MAX_ERRORS_PER_EVENT) break
  }
  return errors
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'must be an RFC 3339 date-time with a zone, such as 2026-11-26T14:03:00Z',
  email: 'must be an email address',
  ip: 'must be an IPv4 or IPv6 address'
}

/** Turns TypeBox's messages into ones a client developer can act on without reading the schema. */
function explain (e: ValueError): string {
  const schema = e.schema as { anyOf?: Array<{ const?: unknown }>, format?: string }
  if (schema.anyOf?.every(s => s.const !== undefined) === true) {
    return `must be one of ${schema.anyOf.map(s => String(s.const)).join(', ')}`
  }
  if (schema.format !== undefined && FORMAT_HINTS[schema.format] !== undefined && typeof e.value === 'string') {
    return FORMAT_HINTS[schema.format] as string
  }
  if (e.message === 'Unexpected property') return 'is not a known field'
  if (e.message === 'Expected required property') return 'is required'
  return e.message.replace(/^Expected /, 'expected ')
}
