import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventIdOfDoc } from './event-doc-id.ts'
import { eventsAlias } from './index-names.ts'
import { WHOLE } from '../search-pages.ts'

export interface AnalyticsQuery {
  query: estypes.QueryDslQueryContainer
  aggs?: Record<string, estypes.AggregationsAggregationContainer>
  /** Events to return with the aggregations (0 for aggregations only). */
  size?: number
  sort?: estypes.SortCombinations[]
}

export interface AnalyticsAnswer {
  total: number
  hits: Array<{ id: string, source: Record<string, unknown> }>
  aggregations: Record<string, unknown>
  tookMs: number
}

/** Runs the analytics reads (aggregations, ranked events) through the events alias. */
export class EventsAggregator {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  async run (q: AnalyticsQuery): Promise<AnalyticsAnswer> {
    const r = await this.es.search<Record<string, unknown>>({
      index: eventsAlias(this.prefix),
      // An empty store (no partition yet) answers with nothing rather than an error.
      ignore_unavailable: true,
      allow_no_indices: true,
      ...WHOLE,
      query: q.query,
      size: q.size ?? 0,
      track_total_hits: true,
      ...(q.sort === undefined ? {} : { sort: q.sort }),
      ...(q.aggs === undefined ? {} : { aggs: q.aggs })
    })
    return {
      total: typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0,
      hits: r.hits.hits.map(h => ({ id: eventIdOfDoc(h._id as string), source: h._source ?? {} })),
      aggregations: (r.aggregations ?? {}) as Record<string, unknown>,
      tookMs: r.took
    }
  }

  /** First and last event time under a query; undefined when nothing matches. */
  async timeRange (query: estypes.QueryDslQueryContainer): Promise<{ min: number, max: number } | undefined> {
    const r = await this.run({ query, aggs: { min: { min: { field: '@timestamp' } }, max: { max: { field: '@timestamp' } } } })
    const min = (r.aggregations.min as { value: number | null } | undefined)?.value
    const max = (r.aggregations.max as { value: number | null } | undefined)?.value
    return min === null || min === undefined || max === null || max === undefined ? undefined : { min, max }
  }
}
