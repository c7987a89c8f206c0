import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { PIT_KEEP_ALIVE } from './events-read.ts'
import { searchPages } from '../search-pages.ts'

const MAPPING = JSON.parse(readFileSync(fileURLToPath(new URL('../../../mappings/entities-mappings.json', import.meta.url)), 'utf8')) as estypes.MappingTypeMapping

type Query = estypes.QueryDslQueryContainer
export const entitiesIndex = (prefix: string): string => `${prefix}-entities`
const META_ID = '_meta'

/** A stored document with what optimistic concurrency needs. */
export interface Versioned { source: Record<string, unknown>, seqNo: number, primaryTerm: number }
/** `doc` may be already serialised JSON: it is then sent as it is. */
export interface EntityWrite { id: string, doc: object | string, version?: { seqNo: number, primaryTerm: number } }
export type WriteResult = { ok: true, seqNo: number, primaryTerm: number } | { ok: false, conflict: boolean, status: number, reason: string }

/** Which tenants the store holds whole histories of: every tenant (`all`), or the listed ones. */
export interface Completeness { all: boolean, tenants: string[] }

/** The entity index: read and written by id with optimistic concurrency, searched for analytics. */
export class EntitiesStore {
  readonly index: string

  constructor (private readonly es: Es, private readonly prefix: string) {
    this.index = entitiesIndex(prefix)
  }

  /**
   * Creates the index when missing. The process that creates it records whether it is complete: it is when
   * no event is stored yet (every event will pass through the worker), otherwise it needs a rebuild.
   */
  async install (replicas: number): Promise<void> {
    if (await this.es.indices.exists({ index: this.index })) {
      // Fields added since the index was made (new fields only: a mapping is never changed in place).
      await this.es.indices.putMapping({ index: this.index, ...MAPPING })
      return
    }
    try {
      await this.es.indices.create({ index: this.index, settings: { number_of_shards: 1, number_of_replicas: replicas, 'index.hidden': true }, mappings: MAPPING })
    } catch (err) {
      if (/resource_already_exists_exception/.test(String((err as Error).message))) return
      throw err
    }
    const events = await this.es.count({ index: eventsAlias(this.prefix), ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
    await this.es.index({ index: this.index, id: META_ID, op_type: 'create', refresh: true, document: { kind: 'meta', complete: events === 0 ? ['*'] : [] } }, { ignore: [409] })
  }

  async completeness (): Promise<Completeness> {
    const r = await this.es.get<{ complete?: string[] }>({ index: this.index, id: META_ID }, { ignore: [404] }).catch(() => undefined)
    const list = r?.found === true ? r._source?.complete ?? [] : []
    return { all: list.includes('*'), tenants: list.filter(t => t !== '*') }
  }

  /** Marks every tenant (`'*'`) or one tenant complete, or (`null`) the whole store incomplete. */
  async setComplete (tenant: string | '*' | null): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.es.get<{ complete?: string[] }>({ index: this.index, id: META_ID }, { ignore: [404] })
      const list = r.found ? r._source?.complete ?? [] : []
      const next = tenant === null ? [] : tenant === '*' ? ['*'] : [...new Set([...list, tenant])]
      try {
        await this.es.index({ index: this.index, id: META_ID, refresh: true, document: { kind: 'meta', complete: next }, ...(r.found ? { if_seq_no: r._seq_no as number, if_primary_term: r._primary_term as number } : { op_type: 'create' as const }) })
        return
      } catch (err) {
        if ((err as { meta?: { statusCode?: number } }).meta?.statusCode !== 409 || attempt > 10) throw err
      }
    }
  }

  /** The tenants the store holds entities of. */
  async tenants (): Promise<string[]> {
    const tenants: string[] = []
    let after: Record<string, estypes.FieldValue> | undefined
    for (;;) {
      const r = await this.es.search({
        index: this.index, size: 0, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } },
        aggs: { t: { composite: { size: 1000, sources: [{ t: { terms: { field: 'tenant' } } }], ...(after === undefined ? {} : { after }) } } }
      })
      const agg = r.aggregations?.t as estypes.AggregationsCompositeAggregate | undefined
      const buckets = (agg?.buckets ?? []) as estypes.AggregationsCompositeBucket[]
      tenants.push(...buckets.map(b => String(b.key.t)))
      if (buckets.length < 1000 || agg?.after_key === undefined) return tenants
      after = agg.after_key as Record<string, estypes.FieldValue>
    }
  }

  /** Documents by id, in real time (what was written, refreshed or not). */
  async read (ids: readonly string[]): Promise<Array<Versioned | undefined>> {
    if (ids.length === 0) return []
    const r = await this.es.mget<Record<string, unknown>>({ index: this.index, ids: [...ids], realtime: true })
    return r.docs.map(d => 'found' in d && d.found && d._source !== undefined
      ? { source: d._source, seqNo: d._seq_no as number, primaryTerm: d._primary_term as number }
      : undefined)
  }

  /** One `_bulk`: new documents are created, known ones replaced only if unchanged since read. */
  async write (items: readonly EntityWrite[], refresh = false): Promise<WriteResult[]> {
    if (items.length === 0) return []
    const operations: Array<object | string> = []
    for (const w of items) {
      operations.push(w.version === undefined
        ? { create: { _index: this.index, _id: w.id } }
        : { index: { _index: this.index, _id: w.id, if_seq_no: w.version.seqNo, if_primary_term: w.version.primaryTerm } }, w.doc)
    }
    // The client sends string items as they are (its typings only list objects).
    const r = await this.es.bulk({ operations: operations as object[], refresh, filter_path: ['items.*.status', 'items.*._seq_no', 'items.*._primary_term', 'items.*.error.type', 'items.*.error.reason'] })
    return r.items.map(item => {
      const op = Object.values(item)[0]
      if (op === undefined) return { ok: false, conflict: false, status: 500, reason: 'bulk response had no item' }
      if (op.error === undefined || op.error === null) return { ok: true, seqNo: op._seq_no as number, primaryTerm: op._primary_term as number }
      return { ok: false, conflict: op.status === 409, status: op.status, reason: `${op.error.type}: ${op.error.reason ?? ''}` }
    })
  }

  /** Deletes the documents still at these versions; returns how many were (a changed one is kept). */
  async deleteIfUnchanged (items: ReadonlyArray<{ id: string, version: { seqNo: number, primaryTerm: number } }>): Promise<number> {
    if (items.length === 0) return 0
    const r = await this.es.bulk({ operations: items.map(w => ({ delete: { _index: this.index, _id: w.id, if_seq_no: w.version.seqNo, if_primary_term: w.version.primaryTerm } })), filter_path: ['items.*.status', 'items.*.error.type'] })
    const failed = r.items.map(item => Object.values(item)[0]).filter(op => op?.error != null && op.status !== 409 && op.status !== 404)
    if (failed.length > 0) throw new Error(`entity deletes failed (${failed.length}): ${failed[0]?.status ?? ''} ${failed[0]?.error?.type ?? ''}`)
    return r.items.filter(item => Object.values(item)[0]?.status === 200).length
  }

  /**
   * Walks every matching entity over a point in time, a page at a time, reading the listed parts of `_source`
   * (faster here than doc values of long lists, which are looked up value by value).
   */
  async walk (query: Query, source: readonly string[], onPage: (docs: Array<Record<string, unknown>>) => void, pageSize = 10_000): Promise<number> {
    let read = 0
    const request = { query, size: pageSize, sort: [{ _shard_doc: 'asc' as const }], track_total_hits: false, _source: [...source] }
    for await (const hits of searchPages<Record<string, unknown>>(this.es, request, { openPit: { index: this.index, keep_alive: PIT_KEEP_ALIVE } })) {
      read += hits.length
      onPage(hits.map(h => h._source ?? {}))
    }
    return read
  }

  async count (query: Query): Promise<number> {
    return (await this.es.count({ index: this.index, query })).count
  }

  async search (body: { query: Query, size: number, sort?: estypes.Sort, aggs?: Record<string, estypes.AggregationsAggregationContainer>, _source?: boolean | string[] }): Promise<estypes.SearchResponse<Record<string, unknown>>> {
    return await this.es.search<Record<string, unknown>>({ index: this.index, track_total_hits: true, ...body })
  }

  async refresh (): Promise<void> {
    await this.es.indices.refresh({ index: this.index })
  }
}
