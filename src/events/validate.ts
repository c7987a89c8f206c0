import { TypeCompiler, type ValueError } from '@sinclair/typebox/compiler'
import { EventInput } from './schema.ts'
import { registerFormats } from './formats.ts'

registerFormats()
const checker = TypeCompiler.Compile(EventInput)

/** One problem with one event: which event (index in the batch), which field (JSON pointer), why. */
export interface FieldError {
  index: number
  path: string
  message: string
}

const MAX_ERRORS_PER_EVENT = 20

/** Structural validation against the schema; returns every problem found, at most 20 per event. */
export function checkShape (value: unknown, index: number): FieldError[] {
  if (checker.Check(value)) return []
  const errors: FieldError[] = []
  const seen = new Set<string>()
  for (const e of checker.Errors(value)) {
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
