import type { estypes } from '@elastic/elasticsearch'
import type { ReadScope } from '../../auth/read-scope.ts'
import type { EntitiesStore } from '../../store/events/entities-store.ts'
import type { Bounds } from '../../store/events/events-scan.ts'
import { dayNumber, isoWeek, type Cohort } from '../behaviour/cohorts.ts'
import { entityQuery } from './entity-query.ts'
import type { Source } from './source.ts'

interface Bucket { key_as_string?: string, doc_count: number, active?: { buckets: Bucket[] } }

/**
 * Weekly cohorts from the entity store in one aggregation: users by the week of their first event, and for
 * each, the weeks in which they were active. A user's `active` values are the first and last event time of
 * each UTC day with activity in its cohort window (COHORT_DAYS, longer than the weeks a cohort is followed); a
 * week (whatever its zone) holds an event of the user exactly when it holds one of these values, since a day can
 * be cut by at most one week boundary. So the answer is the scan's.
 */
export async function cohortsFromEntities (store: EntitiesStore, scope: ReadScope, weeks: number, timeZone: string, limit: number): Promise<{ cohorts: Cohort[], bounds: Bounds & { source: Source } }> {
  const week = (field: string): estypes.AggregationsDateHistogramAggregation => ({ field, calendar_interval: '1w', time_zone: timeZone, format: 'yyyy-MM-dd', min_doc_count: 1 })
  const r = await store.search({
    query: entityQuery(scope, 'user'), size: 0,
    aggs: { cohorts: { date_histogram: week('first'), aggs: { active: { date_histogram: week('active') } } }, latest: { date_histogram: week('last') } }
  })
  const buckets = (r.aggregations?.cohorts as { buckets?: Bucket[] } | undefined)?.buckets ?? []
  // The week of the latest event (users keep their active days in their cohort window only).
  const latest = (r.aggregations?.latest as { buckets?: Bucket[] } | undefined)?.buckets?.at(-1)
  const lastDay = latest === undefined ? Number.NEGATIVE_INFINITY : dayNumber(latest.key_as_string ?? '')
  const cohorts = buckets.map(b => {
    const start = (b.key_as_string ?? '').slice(0, 10)
    const day = dayNumber(start)
    const counts = Array.from({ length: weeks + 1 }, () => 0)
    for (const a of b.active?.buckets ?? []) {
      const k = Math.round((dayNumber(a.key_as_string ?? '') - day) / 7)
      if (k >= 0 && k <= weeks) counts[k] = a.doc_count
    }
    const active = counts.map((n, k) => day + 7 * k > lastDay ? null : n)
    return { week: isoWeek(start), start, users: b.doc_count, active, retention: active.map(n => n === null ? null : n / b.doc_count) }
  })
  const users = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
  return { cohorts, bounds: { scanned: users, limit, truncated: false, source: 'entities' } }
}
