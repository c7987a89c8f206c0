import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { WHOLE } from '../search-pages.ts'

type Query = estypes.QueryDslQueryContainer

/** Where a group stands in key order: its key values as the engine orders and returns them. */
export type GroupPosition = Array<string | number>

/**
 * Values of the key fields among new events (as text, and as a position to go on after), with how many,
 * their first and last time, and a few event ids.
 */
export interface NewKey { values: string[], at: GroupPosition, count: number, minTime: number, maxTime: number, sample: string[] }

export interface NewKeysOptions {
  query: Query
  /** Events ingested after `from` and at or before `to` (ISO times). */
  ingested: { from: string, to: string }
  fields: readonly string[]
  /** Most keys returned; `truncated` says more existed. */
  cap: number
  /** Event ids kept per key, oldest first. */
  samples?: number
  /** Only keys after this one (a position of the same fields; another is ignored). */
  after?: GroupPosition
}

const PAGE = 2000
const HISTORY_BATCH = 250
const KNOWN_VALUES = 5

/** Reads for watch rules over the events alias: what is new since the last run, and what came before it. */
export class WatchReads {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  /** The key values of events ingested in the run's interval, walked by composite pages (events without a key are left out). */
  async newKeys (o: NewKeysOptions): Promise<{ keys: NewKey[], truncated: boolean }> {
    const query: Query = { bool: { filter: [o.query, { range: { 'event.ingested': { gt: o.ingested.from, lte: o.ingested.to } } }] } }
    const keys: NewKey[] = []
    let after: Record<string, estypes.FieldValue> | undefined = o.after?.length === o.fields.length ? Object.fromEntries(o.after.map((v, i) => [`f${i}`, v])) : undefined
    for (;;) {
      const size = Math.min(PAGE, o.cap - keys.length + 1)
      const r = await this.es.search({
        index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE, size: 0, track_total_hits: false, query,
        aggs: {
          k: {
            composite: { size, sources: o.fields.map((f, i) => ({ [`f${i}`]: { terms: { field: f } } })), ...(after === undefined ? {} : { after }) },
            aggs: {
              min: { min: { field: '@timestamp' } },
              max: { max: { field: '@timestamp' } },
              ...((o.samples ?? 0) > 0 ? { sample: { top_hits: { size: o.samples, sort: [{ '@timestamp': { order: 'asc' } }], _source: false, docvalue_fields: ['event.id'] } } } : {})
            }
          }
        }
      })
      const agg = r.aggregations?.k as estypes.AggregationsCompositeAggregate | undefined
      const buckets = (agg?.buckets ?? []) as Array<estypes.AggregationsCompositeBucket & { min: { value: number }, max: { value: number }, sample?: { hits: { hits: Array<{ fields?: Record<string, unknown[]> }> } } }>
      for (const b of buckets) {
        if (keys.length === o.cap) return { keys, truncated: true }
        keys.push({
          values: o.fields.map((_f, i) => String(b.key[`f${i}`])), at: o.fields.map((_f, i) => b.key[`f${i}`] as string | number), count: b.doc_count, minTime: b.min.value, maxTime: b.max.value,
          sample: (b.sample?.hits.hits ?? []).map(h => String(h.fields?.['event.id']?.[0]))
        })
      }
      if (buckets.length < size || agg?.after_key === undefined) return { keys, truncated: false }
      after = agg.after_key as Record<string, estypes.FieldValue>
    }
  }

  /**
   * For each (user, value, time): whether the user had an event with that value in the `days` before the time,
   * whether it had any event with the field then, and a few of the values it had.
   */
  async history (base: Query, field: string, pairs: ReadonlyArray<{ user: string, value: string, before: number }>, days: number): Promise<Array<{ seen: boolean, known: boolean, previous: string[] }>> {
    const out: Array<{ seen: boolean, known: boolean, previous: string[] }> = []
    for (let i = 0; i < pairs.length; i += HISTORY_BATCH) {
      const batch = pairs.slice(i, i + HISTORY_BATCH)
      const span = (p: { before: number }): Query => ({ range: { '@timestamp': { gte: new Date(p.before - days * 86_400_000).toISOString(), lt: new Date(p.before).toISOString() } } })
      const filters: Record<string, Query> = {}
      batch.forEach((p, j) => {
        filters[`s${j}`] = { bool: { filter: [{ term: { 'user.id': p.user } }, { term: { [field]: p.value } }, span(p)] } }
        filters[`k${j}`] = { bool: { filter: [{ term: { 'user.id': p.user } }, { exists: { field } }, span(p)] } }
      })
      const r = await this.es.search({
        index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true, ...WHOLE, size: 0, track_total_hits: false, query: base,
        aggs: { h: { filters: { filters }, aggs: { values: { terms: { field, size: KNOWN_VALUES } } } } }
      })
      const b = (r.aggregations?.h as { buckets?: Record<string, { doc_count: number, values: { buckets: Array<{ key: string | number }> } }> } | undefined)?.buckets ?? {}
      batch.forEach((_p, j) => {
        const known = b[`k${j}`]
        out.push({ seen: (b[`s${j}`]?.doc_count ?? 0) > 0, known: (known?.doc_count ?? 0) > 0, previous: (known?.values.buckets ?? []).map(v => String(v.key)) })
      })
    }
    return out
  }
}
