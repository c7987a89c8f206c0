import { maskValue } from '../auth/masking.ts'
import type { Group, GroupMetrics, Metric } from './aggregate-schema.ts'
import { encodeAfter, type Level, type Plan } from './aggregate-body.ts'
import { formatInZone } from './aggregate-time.ts'

type Key = Group['key']

/** The parts of Elasticsearch's aggregation answer this module reads. */
export interface RawBucket {
  key: unknown
  doc_count: number
  uniqueUsers?: { value: number | null }
  uniqueIps?: { value: number | null }
  amount?: { count: number, sum: number, avg: number | null, min: number | null, max: number | null }
  g?: RawLevel
  missing?: { doc_count: number }
}
export interface RawLevel {
  buckets: RawBucket[]
  sum_other_doc_count?: number
  doc_count_error_upper_bound?: number
  after_key?: Record<string, unknown>
}

export interface Grouped {
  groups: Group[]
  otherCount: number
  missingCount: number
  complete: boolean
  exact: boolean
  after?: string | null
}

function metricsOf (b: RawBucket, metrics: Metric[]): GroupMetrics {
  const out: GroupMetrics = {}
  if (metrics.includes('uniqueUsers')) out.uniqueUsers = b.uniqueUsers?.value ?? 0
  if (metrics.includes('uniqueIps')) out.uniqueIps = b.uniqueIps?.value ?? 0
  if (metrics.includes('amount')) {
    const a = b.amount
    out.amount = { count: a?.count ?? 0, sum: a?.sum ?? 0, avg: a?.avg ?? null, min: a?.min ?? null, max: a?.max ?? null }
  }
  return out
}

/** A bucket key as clients see it: dates in the bucket zone, personal values masked for masked readers. */
export function keyOf (level: Level, raw: unknown, masked: boolean): Key {
  if (raw === null || raw === undefined) return null
  if (level.type === 'date') return formatInZone(raw as number, level.zone)
  const key = raw as Exclude<Key, null>
  return masked && level.masked ? maskValue(level.field, key) as Key : key
}

/** Nested terms/date histograms → groups, with whether every group is listed and every count exact. */
export function readGroups (plan: Plan, aggs: { g?: RawLevel, missing?: { doc_count: number } }, masked: boolean): Grouped {
  let complete = true
  let exact = true
  // A terms count can only be underestimated; if nothing was left out, every count is whole. When groups were
  // left out, the top-N is exact only for an order Elasticsearch can bound (most events first, or by key).
  const note = (raw: RawLevel, level: Level): void => {
    const other = raw.sum_other_doc_count ?? 0
    if (other === 0) return
    complete = false
    const bounded = level.order[0]?._key !== undefined || level.order[0]?._count === 'desc'
    if (!bounded || (raw.doc_count_error_upper_bound ?? 0) !== 0) exact = false
  }
  const read = (raw: RawLevel | undefined, depth: number): Group[] => {
    const level = plan.levels[depth] as Level
    if (raw === undefined) return []
    note(raw, level)
    return raw.buckets.map(b => {
      const group: Group = { key: keyOf(level, b.key, masked), count: b.doc_count, metrics: metricsOf(b, plan.metrics) }
      if (depth + 1 < plan.levels.length) {
        group.groups = read(b.g, depth + 1)
        group.otherCount = b.g?.sum_other_doc_count ?? 0
        group.missingCount = b.missing?.doc_count ?? 0
      }
      return group
    })
  }
  const groups = read(aggs.g, 0)
  return { groups, otherCount: aggs.g?.sum_other_doc_count ?? 0, missingCount: aggs.missing?.doc_count ?? 0, complete, exact }
}

/** One composite page → flat groups, each with the value of every level, and the `after` of the next page. */
export function readPage (plan: Plan, aggs: { g?: RawLevel }, masked: boolean): Grouped {
  const raw = aggs.g
  const size = plan.page?.size ?? 0
  const buckets = raw?.buckets ?? []
  const groups = buckets.map(b => {
    const composite = b.key as Record<string, unknown>
    const keys = plan.levels.map((l, i) => keyOf(l, composite[`l${i}`], masked))
    return { key: keys.at(-1) as Key, keys, count: b.doc_count, metrics: metricsOf(b, plan.metrics) }
  })
  // A short page is the last; Elasticsearch still returns an after key there, which would only lead to an empty page.
  const after = buckets.length < size ? null : encodeAfter(raw?.after_key)
  return { groups, otherCount: 0, missingCount: 0, complete: after === null, exact: true, after }
}
