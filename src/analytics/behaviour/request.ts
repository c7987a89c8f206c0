import { type TSchema, Type } from '@sinclair/typebox'
import type { estypes } from '@elastic/elasticsearch'
import { Filters } from '../../query/filters.ts'
import { buildQuery } from '../../query/build-query.ts'
import type { ReadScope } from '../../auth/read-scope.ts'
import { compileChecker } from '../../validation/checker.ts'
import { DURATION_PATTERN } from '../../validation/formats.ts'
import type { FieldError } from '../../errors.ts'
import { ValidationError } from '../../errors.ts'
import { SourceSchema } from '../entities/source.ts'

export type Query = estypes.QueryDslQueryContainer

export const DEFAULT_SCAN_LIMIT = 1_000_000
export const MAX_SCAN_LIMIT = 5_000_000

/** The part every behaviour and signal request shares with search: the same filters and KQL pick the events. */
export const selection = {
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL, as in search; combined with the filters by AND' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates in the KQL query' }))
}

export const scanLimit = (what = 'events') => Type.Optional(Type.Integer({
  minimum: 1, maximum: MAX_SCAN_LIMIT, default: DEFAULT_SCAN_LIMIT,
  description: `Most ${what} read; the answer's bounds say whether the limit stopped the reading`
}))

export const BoundsSchema = Type.Object({
  scanned: Type.Integer({ description: 'Events (or buckets) read' }),
  limit: Type.Integer({ description: 'The most that could be read' }),
  truncated: Type.Boolean({ description: 'True when the limit stopped the reading: the figures cover only what was read' }),
  source: Type.Optional(SourceSchema)
}, { description: 'What the answer is computed from' })

export const ActionName = Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' })

export const Duration = (description: string, fallback: string) =>
  Type.String({ pattern: DURATION_PATTERN, default: fallback, description: `${description}: a number and a unit s, m, h, d or w, such as 10m, 24h, 7d` })

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `10m` → 600000; undefined when the text is not a duration. */
export function parseDuration (value: string): number | undefined {
  const m = /^([1-9][0-9]{0,6})(s|m|h|d|w)$/.exec(value)
  return m === null ? undefined : Number(m[1]) * (UNIT_MS[m[2] as string] as number)
}

/** A duration in milliseconds, with its bound checked; problems are added to `errors`. */
export function durationOf (value: string, path: string, maxMs: number, maxText: string, errors: FieldError[]): number {
  const ms = parseDuration(value)
  if (ms === undefined) errors.push({ index: 0, path, message: 'must be a duration such as 10m, 24h or 7d' })
  else if (ms > maxMs) errors.push({ index: 0, path, message: `must be at most ${maxText}` })
  return ms ?? 0
}

export type Checker<T> = (body: unknown, scope: ReadScope, extra?: (req: T, errors: FieldError[]) => void) => { req: T, query: Query }

/**
 * Validates a request against its schema, then compiles its filters and KQL confined to the caller's tenant.
 * Every problem comes back at once in one 400.
 */
export function requestChecker<T extends { filters?: Filters, query?: string, timeZone?: string }> (schema: TSchema, message: string): Checker<T> {
  const check = compileChecker(schema)
  return (body, scope, extra) => {
    const shape = check(body ?? {}, 0)
    if (shape.length > 0) throw new ValidationError(shape, message)
    const req = (body ?? {}) as T
    const errors: FieldError[] = []
    const query = buildQuery(req, scope, errors)
    extra?.(req, errors)
    if (errors.length > 0) throw new ValidationError(errors, message)
    return { req, query }
  }
}

/** Both must match; the first is the caller's selection, already confined to its tenant. */
export const and = (selected: Query, ...more: Query[]): Query => ({ bool: { filter: [selected, ...more] } })

/** A field value read by a scan, when it is a string. */
export const str = (v: unknown): string | undefined => typeof v === 'string' ? v : undefined
