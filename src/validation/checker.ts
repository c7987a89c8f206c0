import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { DURATION_PATTERN, registerFormats } from './formats.ts'
import type { FieldError } from '../errors.ts'

registerFormats()

const MAX_ERRORS_PER_VALUE = 20

/** Checks one value (the `index`-th of a batch, 0 alone) and returns every problem found. */
export type ShapeChecker = (value: unknown, index: number) => FieldError[]

/** A compiled validator for a schema: every problem found, at most 20 per value, one per path. */
export function compileChecker (schema: TSchema): ShapeChecker {
  const checker = TypeCompiler.Compile(schema)
  return (value, index) => checker.Check(value) ? [] : collectErrors(checker.Errors(value), index)
}

function collectErrors (found: Iterable<ValueError>, index: number): FieldError[] {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  for (const e of found) {
    const path = e.path === '' ? '/' : e.path
    // A union reports once per branch; one message per path is enough to act on.
    if (seen.has(path)) continue
    seen.add(path)
    const tagged = taggedBranchErrors(e)
    if (tagged !== undefined) errors.push(...tagged.map(t => ({ ...t, index })))
    else errors.push({ index, path, message: explain(e) })
    if (errors.length >= MAX_ERRORS_PER_VALUE) break
  }
  return errors.slice(0, MAX_ERRORS_PER_VALUE)
}

type Branch = TSchema & { properties?: { kind?: { const?: unknown } } }
const branchCheckers = new WeakMap<TSchema, ShapeChecker>()

/**
 * A union of objects told apart by their `kind` (a watch rule's condition, say) fails as a whole ("expected union
 * value"), which names no field: the problems are those of the branch the value's `kind` names, under the union's
 * path, or an unknown `kind`. Undefined for other unions and errors.
 */
function taggedBranchErrors (e: ValueError): FieldError[] | undefined {
  const branches = (e.schema as { anyOf?: Branch[] }).anyOf
  const kinds = branches?.map(b => b.properties?.kind?.const)
  if (branches === undefined || kinds === undefined || kinds.some(k => typeof k !== 'string')) return undefined
  if (e.value === null || typeof e.value !== 'object' || Array.isArray(e.value)) return undefined
  const kind = (e.value as { kind?: unknown }).kind
  const branch = branches[kinds.indexOf(kind)]
  if (branch === undefined) return [{ index: 0, path: `${e.path}/kind`, message: `must be one of ${kinds.join(', ')}` }]
  let check = branchCheckers.get(branch)
  if (check === undefined) { check = compileChecker(branch); branchCheckers.set(branch, check) }
  return check(e.value, 0).map(f => ({ ...f, path: `${e.path}${f.path === '/' ? '' : f.path}` }))
}

const FORMAT_HINTS: Record<string, string> = {
  'date-time': 'must be an RFC 3339 date-time with a zone, such as 2026-11-26T14:03:00Z',
  email: 'must be an email address',
  ip: 'must be an IPv4 or IPv6 address',
  uuid: 'must be a UUID, such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
}

const PATTERN_HINTS: Record<string, string> = {
  [DURATION_PATTERN]: 'must be a number and a unit s, m, h, d or w, such as 10m, 24h, 7d'
}

/** Turns TypeBox's messages into ones a client developer can act on without reading the schema. */
function explain (e: ValueError): string {
  const schema = e.schema as { anyOf?: Array<{ const?: unknown }>, format?: string, pattern?: string }
  if (schema.pattern !== undefined && PATTERN_HINTS[schema.pattern] !== undefined && typeof e.value === 'string') return PATTERN_HINTS[schema.pattern] as string
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
