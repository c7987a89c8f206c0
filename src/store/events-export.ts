import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'
import { eventsAlias } from './index-names.ts'

/**
 * Exports read far more slowly than searches when the client (or the PDF writer) is slow: the point in time
 * must outlive the longest pause between two pages.
 */
export const EXPORT_KEEP_ALIVE = '10m'
export const EXPORT_PAGE = 5000

export interface ExportedHit { id: string, source: Record<string, unknown> }

export interface WalkOptions {
  query: estypes.QueryDslQueryContainer
  sort: estypes.SortCombinations[]
  /** Source paths to return; undefined returns the whole stored document. */
  source?: readonly string[]
  pageSize?: number
}

/**
 * One frozen view of the events (a point in time): the count, the aggregations and every walk over it see
 * exactly the same events, so a report's totals, its table and its hash agree.
 */
export class ExportSnapshot {
  private closed = false

  constructor (private readonly es: Es, private pit: string) {}

  async count (query: estypes.QueryDslQueryContainer): Promise<number> {
    const r = await this.es.search({ pit: this.keep(), query, size: 0, track_total_hits: true })
    this.pit = r.pit_id ?? this.pit
    return typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
  }

  async aggregate (query: estypes.QueryDslQueryContainer, aggs: Record<string, estypes.AggregationsAggregationContainer>): Promise<Record<string, estypes.AggregationsAggregate>> {
    const r = await this.es.search({ pit: this.keep(), query, size: 0, track_total_hits: false, aggs })
    this.pit = r.pit_id ?? this.pit
    return r.aggregations ?? {}
  }

  /**
   * Pages of events in sort order. The next page is requested before the current one is handed over, so
   * Elasticsearch and the writer work at the same time; at most two pages are held.
   */
  async * pages (opts: WalkOptions): AsyncGenerator<ExportedHit[]> {
    const size = opts.pageSize ?? EXPORT_PAGE
    const fetch = (after: estypes.SortResults | undefined): Promise<estypes.SearchResponse<Record<string, unknown>>> => this.es.search<Record<string, unknown>>({
      pit: this.keep(), query: opts.query, sort: opts.sort, size, track_total_hits: false,
      ...(opts.source === undefined ? {} : { _source: { includes: [...opts.source] } }),
      ...(after === undefined ? {} : { search_after: after })
    })
    let pending: Promise<estypes.SearchResponse<Record<string, unknown>>> | undefined = fetch(undefined)
    try {
      while (pending !== undefined) {
        const r: estypes.SearchResponse<Record<string, unknown>> = await pending
        this.pit = r.pit_id ?? this.pit
        const hits = r.hits.hits
        const last = hits.at(-1)
        pending = hits.length === size && last?.sort !== undefined ? fetch(last.sort) : undefined
        // If the consumer stops on this page, the prefetch must not become an unhandled rejection.
        pending?.catch(() => undefined)
        if (hits.length > 0) yield hits.map(h => ({ id: h._id as string, source: h._source ?? {} }))
      }
    } finally {
      await pending?.catch(() => undefined)
    }
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.es.closePointInTime({ id: this.pit }, { ignore: [404] }).catch(() => undefined)
  }

  private keep (): estypes.SearchPointInTimeReference {
    return { id: this.pit, keep_alive: EXPORT_KEEP_ALIVE }
  }
}

/** Opens snapshots of the events alias; only this module reads events for exports. */
export class EventsExportReader {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  async open (): Promise<ExportSnapshot> {
    const r = await this.es.openPointInTime({ index: eventsAlias(this.prefix), keep_alive: EXPORT_KEEP_ALIVE, ignore_unavailable: true, allow_partial_search_results: false })
    return new ExportSnapshot(this.es, r.id)
  }
}
