import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { splitHits } from './raw-hits.ts'
import { afterPages, pageRequest, WHOLE, type AfterPage } from '../search-pages.ts'

/**
 * Exports read far more slowly than searches when the client (or the PDF writer) is slow: the point in time
 * must outlive the longest pause between two pages.
 */
export const EXPORT_KEEP_ALIVE = '10m'
/** Events per page: whole documents (about 1 kB each), or documents cut down to a few columns (CSV). */
export const EXPORT_PAGE = 2500
export const EXPORT_PAGE_FILTERED = 4000

/** A page of documents to iterate once, in order. */
export type DocPage = Iterable<Record<string, unknown>> & { readonly length: number }

/**
 * Documents parsed one at a time as the page is iterated: a writer that turns each into a row drops it at
 * once, so parsed documents die young instead of a whole page of them outliving collections.
 */
export class LazyDocs implements DocPage {
  constructor (private readonly raw: readonly Buffer[]) {}

  get length (): number { return this.raw.length }

  * [Symbol.iterator] (): Iterator<Record<string, unknown>> {
    for (const bytes of this.raw) yield JSON.parse(bytes.toString('utf8')) as Record<string, unknown>
  }
}

/** The same page, each document passed through `f` as it is reached (so it stays lazy). */
export function mapPage (page: DocPage, f: (doc: Record<string, unknown>) => Record<string, unknown>): DocPage {
  return { length: page.length, * [Symbol.iterator] () { for (const doc of page) yield f(doc) } }
}

/** One page of a walk: its items, the sort values of its last hit, the point in time's latest id. */
interface Page<T> { items: T[], lastSort: estypes.SortResults | undefined, pitId: string | undefined }

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
    const r = await this.es.search({ pit: this.keep(), ...WHOLE, query, size: 0, track_total_hits: true })
    this.pit = r.pit_id ?? this.pit
    return typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
  }

  async aggregate (query: estypes.QueryDslQueryContainer, aggs: Record<string, estypes.AggregationsAggregationContainer>): Promise<Record<string, estypes.AggregationsAggregate>> {
    const r = await this.es.search({ pit: this.keep(), ...WHOLE, query, size: 0, track_total_hits: false, aggs })
    this.pit = r.pit_id ?? this.pit
    return r.aggregations ?? {}
  }

  /** First and last event time under a query, and how many events; undefined when none matches. */
  async timeBounds (query: estypes.QueryDslQueryContainer): Promise<{ min: number, max: number, count: number } | undefined> {
    const r = await this.es.search({ pit: this.keep(), ...WHOLE, query, size: 0, track_total_hits: true, aggs: { min: { min: { field: '@timestamp' } }, max: { max: { field: '@timestamp' } } } })
    this.pit = r.pit_id ?? this.pit
    const value = (name: string): number | null | undefined => (r.aggregations?.[name] as { value?: number | null } | undefined)?.value
    const min = value('min')
    const max = value('max')
    const count = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
    return min === null || min === undefined || max === null || max === undefined ? undefined : { min, max, count }
  }

  /** Pages of documents in sort order, each parsed only when the page is iterated to it (see `walk`). */
  async * pages (opts: WalkOptions): AsyncGenerator<DocPage> {
    for await (const page of this.sourcePages(opts)) yield new LazyDocs(page)
  }

  /**
   * Pages of documents in sort order as the JSON bytes Elasticsearch returns (with no `source` paths, the bytes
   * that were indexed), never parsed: the NDJSON and JSON exports write them as they are.
   */
  async * sourcePages (opts: WalkOptions): AsyncGenerator<Buffer[]> {
    yield * this.walk(opts, async request => {
      const r = await this.es.search(request, { asStream: true, meta: true })
      const chunks: Buffer[] = []
      for await (const chunk of r.body as unknown as AsyncIterable<Buffer>) chunks.push(chunk)
      const bytes = Buffer.concat(chunks)
      if (r.statusCode !== 200) throw new Error(`export page refused by Elasticsearch (${r.statusCode ?? 'no status'}): ${bytes.toString('utf8', 0, 500)}`)
      const raw = splitHits(bytes)
      return { items: raw.sources, lastSort: raw.lastSort, pitId: raw.pitId }
    })
  }

  /**
   * Pages in sort order. The next page is requested before the current one is handed over, so Elasticsearch
   * and the writer work at the same time; at most two pages are held.
   *
   * When the order starts with the time, each request is also bounded to a window of time just past the last
   * event read, sized from the pace of the previous page: partitions outside it are skipped and each shard
   * ranks only the events in the window, not every remaining one (several times faster on large exports).
   * The window only narrows the request; `search_after` alone decides what comes next, so nothing is missed
   * or repeated: a short page widens the window until it passes the first (or last) matching event.
   */
  private async * walk<T> (opts: WalkOptions, fetchPage: (request: estypes.SearchRequest) => Promise<Page<T>>): AsyncGenerator<T[]> {
    // Pages of about the same bytes whatever is fetched: fewer, larger requests when documents are cut down.
    const size = opts.pageSize ?? (opts.source === undefined ? EXPORT_PAGE : EXPORT_PAGE_FILTERED)
    // Ties are broken by the sort's own event id, never by the point in time's `_shard_doc`: shards skipped
    // by a time window renumber it from one request to the next.
    const ownTieBreak = opts.sort.some(x => typeof x === 'object' && 'event.id' in x)
    const order = ownTieBreak ? timeOrderOf(opts.sort) : undefined
    const bounds = order === undefined ? undefined : await this.timeBounds(opts.query)
    if (order !== undefined && bounds === undefined) return
    const walk = bounds === undefined || order === undefined ? undefined : new TimeWindows(order, bounds, size)
    const fetch = async (after: estypes.SortResults | undefined): Promise<AfterPage<T>> => {
      const page = await fetchPage(pageRequest({
        query: walk === undefined ? opts.query : { bool: { filter: [opts.query, walk.range()] } }, sort: opts.sort, size, track_total_hits: false, ...WHOLE,
        ...(opts.source === undefined ? {} : { _source: { includes: [...opts.source] } })
      }, after, { id: this.pit, keepAlive: EXPORT_KEEP_ALIVE }))
      this.pit = page.pitId ?? this.pit
      const last = page.lastSort === undefined || !ownTieBreak ? page.lastSort : page.lastSort.slice(0, opts.sort.length)
      return { items: page.items, last, full: page.items.length === size }
    }
    yield * afterPages(fetch, { prefetch: true, more: page => walk === undefined ? page.full : walk.next(page.items.length, page.last?.[0]) })
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

function timeOrderOf (sort: estypes.SortCombinations[]): 'asc' | 'desc' | undefined {
  const first = sort[0] as Record<string, { order?: string }> | undefined
  const spec = first?.['@timestamp']
  if (spec === undefined || Object.keys(first ?? {}).length !== 1) return undefined
  return spec.order === 'asc' ? 'asc' : 'desc'
}

/**
 * The window of time of the next request of a time-ordered walk: from the last event read (inclusive: ties
 * at that millisecond may remain) to an edge `width` ms further, widened when a page comes back short.
 */
export class TimeWindows {
  private cursor: number
  private width: number

  constructor (private readonly order: 'asc' | 'desc', private readonly bounds: { min: number, max: number, count: number }, private readonly size: number) {
    this.cursor = order === 'desc' ? bounds.max : bounds.min
    // Wide enough for about one and a half pages if events were spread evenly.
    this.width = Math.max(1, Math.ceil((bounds.max - bounds.min + 1) * size * 1.5 / Math.max(1, bounds.count)))
  }

  private edge (): number {
    return this.order === 'desc' ? this.cursor - this.width : this.cursor + this.width
  }

  range (): estypes.QueryDslQueryContainer {
    const [gte, lte] = this.order === 'desc' ? [this.edge(), this.cursor] : [this.cursor, this.edge()]
    return { range: { '@timestamp': { gte, lte, format: 'epoch_millis' } } }
  }

  /** After a page of `hits` events, the last at time `last`: whether another request is needed. */
  next (hits: number, last: unknown): boolean {
    const lastTime = typeof last === 'number' ? last : undefined
    if (hits === this.size && lastTime !== undefined) {
      // A full page: the next window starts at its last event, sized from the time this page spanned.
      this.width = Math.max(1, Math.ceil(Math.abs(this.cursor - lastTime) * 1.5))
      this.cursor = lastTime
      return true
    }
    // A short page: the window is exhausted; stop once it reaches past the first (or last) event.
    if (this.order === 'desc' ? this.edge() <= this.bounds.min : this.edge() >= this.bounds.max) return false
    if (lastTime !== undefined) this.cursor = lastTime
    this.width *= 2
    return true
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
