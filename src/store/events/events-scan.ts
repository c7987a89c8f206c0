import { errors, type estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { PIT_KEEP_ALIVE } from './events-read.ts'
import { searchPages, WHOLE, type PointInTime } from '../search-pages.ts'
import { waitingForShards } from '../shard-wait.ts'

type Query = estypes.QueryDslQueryContainer
type Agg = estypes.AggregationsAggregationContainer

/**
 * What a bounded walk read: `truncated` says the limit stopped it before the end of the data; a scan so stopped
 * gives the first key of the last event it read (`lastKey`): the keys before it were read whole.
 */
export interface Bounds { scanned: number, limit: number, truncated: boolean, source?: 'scan' | 'entities', lastKey?: string | null }

/** One event of a scan: its keys (the sort fields before the time), time, id and the requested fields' values. */
export interface ScannedEvent {
  id: string
  keys: Array<string | null>
  time: number
  /** First doc value of each requested field (geo points as `{ lat, lon }`); absent when the event has none. */
  fields: Record<string, unknown>
}

export interface ScanOptions {
  query: Query
  /** Fields sorted ascending before `@timestamp`: the events of one value of the first come contiguous. */
  keys: readonly string[]
  /** Fields to read; keys, time and id come from the sort and need not be listed. */
  fields: readonly string[]
  limit: number
  pageSize?: number
}

export interface Sample { id: string, time: number, fields: Record<string, unknown> }
export interface SampleRequest {
  query: Query
  size: number
  collapse?: string
  /** The matching events' first and last time and how many there are, when known (see `samples`). */
  span?: { first: number, last: number, events: number }
}
/** A first bound expected to hold this many events per result asked: sparse enough for most keys in one round. */
const SAMPLE_SPREAD = 8
/** After this many bounded rounds the next has no bound, whatever the span says. */
const MAX_SAMPLE_ROUNDS = 8

export interface CompositeOptions {
  query: Query
  /** The first source must be a terms source on this field: the walk is planned in ranges of its values. */
  planField: string
  sources: Array<Record<string, estypes.AggregationsCompositeAggregationSource>>
  aggs?: Record<string, Agg>
  /** Most buckets read. */
  limit: number
  /** Events per planned range. */
  rangeEvents?: number
}

export type CompositeBucket = estypes.AggregationsCompositeBucket

export const SCAN_PAGE = 5000
export const COMPOSITE_PAGE = 10_000
export const COMPOSITE_RANGE_EVENTS = 50_000
/** Key values planned per terms request. */
const PLAN_KEYS = 50_000

type Pit = PointInTime
interface Chunk { first: string, last: string }

/**
 * Bounded reads for analytics: events walked in key order over a point in time, composite aggregations walked
 * page by page, and single aggregation or sample requests. Pages go to a callback as they arrive, so a caller
 * keeps only its own state, never the data.
 */
export class EventsScanner {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  /**
   * Walks the matching events sorted by the keys, then time, then event id, over one point in time. A page
   * sorted over every matching event costs a pass over all of them; so the key values are first listed in order
   * with their counts (a terms aggregation ordered by key), grouped into ranges of about a page of events, and
   * each range is read on its own with search_after: a page then costs about what it returns.
   */
  async scan (opts: ScanOptions, onPage: (events: ScannedEvent[]) => void): Promise<Bounds> {
    const pageSize = opts.pageSize ?? SCAN_PAGE
    let lastKey: string | null | undefined
    const bounds = await this.planned(opts.query, opts.keys[0] as string, pageSize, opts.limit,
      async (pit, range, remaining) => await this.scanRange(pit, opts, range, pageSize, remaining, events => {
        lastKey = events.at(-1)?.keys[0]
        onPage(events)
      }))
    return bounds.truncated && lastKey !== undefined ? { ...bounds, lastKey } : bounds
  }

  /**
   * Walks composite buckets, planned like `scan`: each range of values of the first source is aggregated on
   * its own, paging with `after` inside the range.
   */
  async composite (opts: CompositeOptions, onPage: (buckets: CompositeBucket[]) => void): Promise<Bounds> {
    return await this.planned(opts.query, opts.planField, opts.rangeEvents ?? COMPOSITE_RANGE_EVENTS, opts.limit,
      async (pit, range, remaining) => await this.compositeRange(pit, opts, range, remaining, onPage))
  }

  /** Runs `read` over each planned range in key order, within one point in time, until the limit. */
  private async planned (query: Query, field: string, rangeEvents: number, limit: number,
    read: (pit: Pit, range: Query, remaining: number) => Promise<{ scanned: number, truncated: boolean }>): Promise<Bounds> {
    const pit = await this.openPit()
    if (pit === undefined) return { scanned: 0, limit, truncated: false }
    let scanned = 0
    try {
      let after: string | undefined
      for (;;) {
        const plan = await this.plan(pit, query, field, after)
        for (const chunk of chunksOf(plan.keys, rangeEvents)) {
          // Every planned range holds at least one event: reaching one with the limit spent means more was left.
          if (scanned >= limit) return { scanned, limit, truncated: true }
          const r = await read(pit, { bool: { filter: [query, { range: { [field]: { gte: chunk.first, lte: chunk.last } } }] } }, limit - scanned)
          scanned += r.scanned
          if (r.truncated) return { scanned, limit, truncated: true }
        }
        const last = plan.keys.at(-1)
        if (!plan.more || last === undefined) break
        after = last.key
      }
    } finally {
      await this.es.closePointInTime({ id: pit.id }, { ignore: [404] })
    }
    return { scanned, limit, truncated: false }
  }

  private async plan (pit: Pit, query: Query, field: string, after: string | undefined): Promise<{ keys: Array<{ key: string, count: number }>, more: boolean }> {
    const r = await this.es.search({
      pit: { id: pit.id, keep_alive: pit.keepAlive }, size: 0, track_total_hits: false, ...WHOLE,
      query: after === undefined ? query : { bool: { filter: [query, { range: { [field]: { gt: after } } }] } },
      aggs: { k: { terms: { field, size: PLAN_KEYS, order: { _key: 'asc' } } } }
    })
    pit.id = r.pit_id ?? pit.id
    const agg = r.aggregations?.k as { buckets?: Array<{ key: string | number, key_as_string?: string, doc_count: number }>, sum_other_doc_count?: number } | undefined
    const keys = (agg?.buckets ?? []).map(b => ({ key: b.key_as_string ?? String(b.key), count: b.doc_count }))
    return { keys, more: (agg?.sum_other_doc_count ?? 0) > 0 }
  }

  private async scanRange (pit: Pit, opts: ScanOptions, query: Query, pageSize: number, remaining: number, onPage: (events: ScannedEvent[]) => void): Promise<{ scanned: number, truncated: boolean }> {
    const keyCount = opts.keys.length
    const sort: estypes.SortCombinations[] = [
      ...opts.keys.map(k => ({ [k]: { order: 'asc' as const, missing: '_last' } })),
      { '@timestamp': { order: 'asc' } },
      // Same-millisecond events of a key come in id order, so every rule reads them in a documented order.
      { 'event.id': { order: 'asc' } }
    ]
    let scanned = 0
    const request = {
      query, sort, size: pageSize, track_total_hits: false, ...WHOLE,
      // Doc values only: loading stored fields (even just _id) would cost more than the whole query.
      _source: false, stored_fields: '_none_', docvalue_fields: [...opts.fields]
    }
    // One past what the limit leaves, so that a page reaching it says whether more was left.
    for await (const hits of searchPages(this.es, request, { pit, size: () => Math.min(pageSize, remaining - scanned + 1) })) {
      const truncated = hits.length > remaining - scanned
      if (truncated) hits.length = remaining - scanned
      const events = hits.map(h => {
        const s = h.sort ?? []
        return { id: String(s[keyCount + 1]), keys: s.slice(0, keyCount).map(v => v === null || v === undefined ? null : String(v)), time: Number(s[keyCount]), fields: firstValues(h.fields) }
      })
      scanned += events.length
      if (events.length > 0) onPage(events)
      if (truncated) return { scanned, truncated }
    }
    return { scanned, truncated: false }
  }

  private async compositeRange (pit: Pit, opts: CompositeOptions, query: Query, remaining: number, onPage: (buckets: CompositeBucket[]) => void): Promise<{ scanned: number, truncated: boolean }> {
    let scanned = 0
    let after: Record<string, estypes.FieldValue> | undefined
    for (;;) {
      const size = Math.min(COMPOSITE_PAGE, remaining - scanned + 1)
      const r = await this.es.search({
        pit: { id: pit.id, keep_alive: pit.keepAlive }, size: 0, track_total_hits: false, ...WHOLE, query,
        aggs: { c: { composite: { size, sources: opts.sources, ...(after === undefined ? {} : { after }) }, ...(opts.aggs === undefined ? {} : { aggs: opts.aggs }) } }
      })
      pit.id = r.pit_id ?? pit.id
      const agg = r.aggregations?.c as estypes.AggregationsCompositeAggregate | undefined
      const buckets = (agg?.buckets ?? []) as CompositeBucket[]
      const full = buckets.length === size
      const truncated = buckets.length > remaining - scanned
      if (truncated) buckets.length = remaining - scanned
      scanned += buckets.length
      if (buckets.length > 0) onPage(buckets)
      if (truncated) return { scanned, truncated }
      if (!full || agg?.after_key === undefined) return { scanned, truncated: false }
      after = agg.after_key as Record<string, estypes.FieldValue>
    }
  }

  /** How many events match (an estimate's input: a shard that fails makes it smaller, never an answer). */
  async count (query: Query): Promise<number> {
    return (await this.es.count({ index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true, query })).count
  }

  /** One aggregation request over the filtered events. */
  async aggregate (query: Query, aggs: Record<string, Agg>): Promise<Record<string, estypes.AggregationsAggregate>> {
    const r = await this.es.search({ index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE, size: 0, track_total_hits: false, query, aggs })
    return r.aggregations ?? {}
  }

  /**
   * A few events per query (at most 10,000), oldest first; `collapse` keeps the first event of each value of a
   * field (one event per user, for instance). A query over many events whose time span is known (`span`) reads
   * only its first events: up to a bound just past its first event, widened fourfold while it holds fewer
   * results than asked, so a collapse ranks a few hundred events instead of all of them. The bound has no lower
   * end, so an event older than `span.first` is never missed; once the bound holds `size` results, no later
   * event can come before them; past `span.last` the bound is dropped.
   */
  async samples (requests: SampleRequest[], fields: readonly string[]): Promise<Sample[][]> {
    const out: Sample[][] = requests.map(() => [])
    const bound = requests.map(q => {
      const span = q.span
      if (span === undefined || ![span.first, span.last, span.events].every(Number.isFinite) || span.events <= q.size * SAMPLE_SPREAD * 4) return undefined
      return span.first + Math.max(1, Math.ceil((span.last - span.first) * q.size * SAMPLE_SPREAD / span.events))
    })
    let pending = requests.map((_, i) => i)
    for (let round = 1; pending.length > 0; round++) {
      const answers = await waitingForShards(async () => await this.sampleRound(pending.map(i => {
        const q = requests[i] as SampleRequest
        const upTo = bound[i]
        return upTo === undefined ? q : { ...q, query: { bool: { filter: [q.query, { range: { '@timestamp': { lte: upTo } } }] } } }
      }), fields))
      pending = pending.filter((i, k) => {
        const q = requests[i] as SampleRequest
        const upTo = bound[i]
        const found = answers[k] ?? []
        if (upTo === undefined || found.length >= q.size || q.span === undefined) { out[i] = found; return false }
        // Past the last known event, the last round has no bound: events newer than the span are not missed.
        const wider = q.span.first + (upTo - q.span.first) * 4
        bound[i] = wider >= q.span.last || round >= MAX_SAMPLE_ROUNDS ? undefined : wider
        return true
      })
    }
    return out
  }

  private async sampleRound (requests: SampleRequest[], fields: readonly string[]): Promise<Sample[][]> {
    if (requests.length === 0) return []
    // Elasticsearch takes allow_partial_search_results in a header, which the client's types leave out.
    const header = { index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE } as estypes.MsearchMultisearchHeader
    const r = await this.es.msearch<Record<string, unknown>>({
      searches: requests.flatMap((q): estypes.MsearchRequestItem[] => [
        header,
        { query: q.query, size: q.size, sort: [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }], track_total_hits: false, _source: false, stored_fields: '_none_', docvalue_fields: [...fields], ...(q.collapse === undefined ? {} : { collapse: { field: q.collapse } }) }
      ])
    })
    return r.responses.map(res => {
      // An item refused (a shard missing, a value a partition cannot take) fails the whole as a search would.
      if ('error' in res) throw new errors.ResponseError({ body: { error: res.error, status: res.status }, statusCode: res.status, headers: {}, warnings: null, meta: {} as never })
      return res.hits.hits.map(h => ({ id: String(h.sort?.[1]), time: Number(h.sort?.[0]), fields: firstValues(h.fields) }))
    })
  }

  /** Undefined when no partition exists yet: there is nothing to scan. */
  private async openPit (): Promise<Pit | undefined> {
    try {
      const r = await this.es.openPointInTime({ index: eventsAlias(this.prefix), keep_alive: PIT_KEEP_ALIVE, ignore_unavailable: true, allow_partial_search_results: false })
      return { id: r.id, keepAlive: PIT_KEEP_ALIVE }
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return undefined
      throw err
    }
  }
}

/** Consecutive key values grouped so that each group holds about `pageSize` events (a larger key stands alone). */
export function * chunksOf (keys: ReadonlyArray<{ key: string, count: number }>, pageSize: number): Generator<Chunk> {
  let first: string | undefined
  let last = ''
  let events = 0
  for (const k of keys) {
    if (first !== undefined && events + k.count > pageSize) {
      yield { first, last }
      first = undefined
      events = 0
    }
    first ??= k.key
    last = k.key
    events += k.count
  }
  if (first !== undefined) yield { first, last }
}

const GEO_POINT = /^(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?), (-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)$/

/** The first doc value of each field; geo points (`"lat, lon"`) become `{ lat, lon }`. */
function firstValues (fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, values] of Object.entries(fields ?? {})) {
    const v = Array.isArray(values) ? values[0] : values
    const m = typeof v === 'string' && name.endsWith('.location') ? GEO_POINT.exec(v) : null
    out[name] = m === null ? v : { lat: Number(m[1]), lon: Number(m[2]) }
  }
  return out
}
