import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'
import { bulkCreate, type BulkDoc, type BulkItemResult } from './bulk.ts'
import { eventsAlias } from './index-names.ts'
import type { LeafRecord } from '../integrity/types.ts'
import type { SignedCheckpoint } from '../integrity/checkpoint.ts'
import { nodeEnd, type Node } from '../integrity/frontier.ts'
import { nodeKey } from '../integrity/span-hash.ts'

const MAPPINGS_DIR = fileURLToPath(new URL('../../mappings/', import.meta.url))
const KINDS = ['leaves', 'nodes', 'checkpoints'] as const
export const integrityIndex = (prefix: string, kind: typeof KINDS[number]): string => `${prefix}-integrity-${kind}`

/** Templates and indices of the integrity logs; one shard each, so a log's writes apply in order. Idempotent. */
export async function installIntegrityIndices (es: Es, prefix: string, replicas: number): Promise<void> {
  for (const kind of KINDS) {
    const index = integrityIndex(prefix, kind)
    const mappings = JSON.parse(readFileSync(`${MAPPINGS_DIR}integrity-${kind}.json`, 'utf8')) as estypes.MappingTypeMapping
    await es.indices.putIndexTemplate({ name: index, index_patterns: [index], priority: 200, template: { settings: { index: { number_of_shards: 1, number_of_replicas: replicas } }, mappings } })
    if (!(await es.indices.exists({ index }))) await es.indices.create({ index }, { ignore: [400] })
  }
}

interface LeafSource { tenant: string, seq: number, event_id: string, event_index: string, leaf: string, sealed_at: string }
interface CheckpointSource { tenant: string, size: number, root: string, time: string, key_id: string, signature: string }

const toLeaf = (s: LeafSource): LeafRecord => ({ tenant: s.tenant, seq: s.seq, eventId: s.event_id, eventIndex: s.event_index, leaf: s.leaf, sealedAt: s.sealed_at })
const toCheckpoint = (s: CheckpointSource): SignedCheckpoint => ({ tenant: s.tenant, size: s.size, root: s.root, time: s.time, keyId: s.key_id, signature: s.signature })
export const leafId = (tenant: string, eventId: string): string => `${tenant}:${eventId}`
const MGET_CHUNK = 5000

/** Every Elasticsearch request of the integrity logs, and the reads of events that verification needs. */
export class IntegrityStore {
  readonly leaves: string
  readonly nodes: string
  readonly checkpoints: string

  constructor (private readonly es: Es, private readonly prefix: string) {
    this.leaves = integrityIndex(prefix, 'leaves')
    this.nodes = integrityIndex(prefix, 'nodes')
    this.checkpoints = integrityIndex(prefix, 'checkpoints')
  }

  async refresh (): Promise<void> {
    await this.es.indices.refresh({ index: [this.leaves, this.checkpoints] })
  }

  /** Which of these `<tenant>:<event id>` leaves exist (realtime: sees writes not yet refreshed). */
  async existingLeafIds (ids: string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (let i = 0; i < ids.length; i += MGET_CHUNK) {
      const r = await this.es.mget({ index: this.leaves, ids: ids.slice(i, i + MGET_CHUNK), _source: false })
      for (const d of r.docs) if ('found' in d && d.found) found.add(d._id)
    }
    return found
  }

  /** Creates leaves, and in the same bulk subtree hashes of leaves already stored; one result per leaf. */
  async createLeaves (leaves: readonly LeafRecord[], nodes: ReadonlyArray<{ tenant: string, node: Node }> = []): Promise<{ leaves: BulkItemResult[], nodesFailed: number }> {
    const results = await bulkCreate(this.es, [
      ...leaves.map(l => ({
        index: this.leaves,
        id: leafId(l.tenant, l.eventId),
        doc: { tenant: l.tenant, seq: l.seq, event_id: l.eventId, event_index: l.eventIndex, leaf: l.leaf, sealed_at: l.sealedAt } satisfies LeafSource
      })),
      ...nodes.map(({ tenant, node }) => this.nodeDoc(tenant, node))
    ])
    const nodesFailed = results.slice(leaves.length).filter(r => r.status !== 409 && (r.status < 200 || r.status >= 300)).length
    return { leaves: results.slice(0, leaves.length), nodesFailed }
  }

  private nodeDoc (tenant: string, n: Node): BulkDoc {
    return { index: this.nodes, id: `${tenant}:${nodeKey(n.level, n.index)}`, doc: { tenant, level: n.level, index: n.index, end: nodeEnd(n.level, n.index), hash: n.hash.toString('hex') } }
  }

  /** Removes leaves just written by a seal that is being undone (visible at once). */
  async deleteLeaves (leaves: readonly LeafRecord[]): Promise<void> {
    if (leaves.length === 0) return
    const r = await this.es.bulk({ refresh: true, operations: leaves.map(l => ({ delete: { _index: this.leaves, _id: leafId(l.tenant, l.eventId) } })), filter_path: ['errors', 'items.*.status'] })
    const failed = r.items.find(item => { const status = Object.values(item)[0]?.status ?? 500; return status !== 404 && (status < 200 || status >= 300) })
    if (failed !== undefined) throw new Error('leaves of an undone seal could not be removed; the log is checked for holes when reloaded')
  }

  /** Stores subtree hashes; one already there (409) is the same hash of the same leaves. */
  async createNodes (tenant: string, nodes: readonly Node[]): Promise<void> {
    if (nodes.length === 0) return
    const results = await bulkCreate(this.es, nodes.map(n => this.nodeDoc(tenant, n)))
    const failed = results.find(r => r.status !== 409 && (r.status < 200 || r.status >= 300))
    if (failed !== undefined) throw new Error(`subtree hashes not stored: ${failed.status} ${failed.reason ?? ''}`)
  }

  /** Stored subtree hashes by `level:index`; null for those not stored. */
  async nodeHashes (tenant: string, keys: ReadonlyArray<{ level: number, index: number }>): Promise<Map<string, Buffer | null>> {
    const out = new Map<string, Buffer | null>()
    for (let i = 0; i < keys.length; i += MGET_CHUNK) {
      const chunk = keys.slice(i, i + MGET_CHUNK).map(k => nodeKey(k.level, k.index))
      const r = await this.es.mget<{ hash: string }>({ index: this.nodes, ids: chunk.map(k => `${tenant}:${k}`) })
      r.docs.forEach((d, j) => out.set(chunk[j] as string, 'found' in d && d.found && d._source !== undefined ? Buffer.from(d._source.hash, 'hex') : null))
    }
    return out
  }

  /** The highest sequence number of the tenant's log (-1 when empty), as of the last refresh. */
  async lastSeq (tenant: string): Promise<number> {
    const r = await this.es.search<LeafSource>({ index: this.leaves, size: 1, query: { term: { tenant } }, sort: [{ seq: 'desc' }], _source: ['seq'] })
    return r.hits.hits[0]?._source?.seq ?? -1
  }

  async countLeaves (tenant: string, belowSeq?: number): Promise<number> {
    const filter: estypes.QueryDslQueryContainer[] = [{ term: { tenant } }]
    if (belowSeq !== undefined) filter.push({ range: { seq: { lt: belowSeq } } })
    return (await this.es.count({ index: this.leaves, query: { bool: { filter } } })).count
  }

  /** Removes leaves from `seq` on, and the subtree hashes that cover them. */
  async truncate (tenant: string, seq: number): Promise<void> {
    await this.es.deleteByQuery({ index: this.leaves, refresh: true, conflicts: 'proceed', query: { bool: { filter: [{ term: { tenant } }, { range: { seq: { gte: seq } } }] } } })
    await this.es.deleteByQuery({ index: this.nodes, refresh: true, conflicts: 'proceed', query: { bool: { filter: [{ term: { tenant } }, { range: { end: { gt: seq } } }] } } })
  }

  /** Leaves with from ≤ seq < to, in order, a page at a time. */
  async * leafPages (tenant: string, from: number, to: number, pageSize = 5000): AsyncGenerator<LeafRecord[]> {
    let after: estypes.SortResults | undefined
    for (;;) {
      const r = await this.es.search<LeafSource>({
        index: this.leaves,
        size: pageSize,
        query: { bool: { filter: [{ term: { tenant } }, { range: { seq: { gte: from, lt: to } } }] } },
        sort: [{ seq: 'asc' }, { event_id: 'asc' }],
        ...(after === undefined ? {} : { search_after: after })
      })
      const hits = r.hits.hits
      if (hits.length > 0) yield hits.map(h => toLeaf(h._source as LeafSource))
      if (hits.length < pageSize) return
      after = hits[hits.length - 1]?.sort
    }
  }

  async leafOf (tenant: string, eventId: string): Promise<LeafRecord | undefined> {
    const r = await this.es.get<LeafSource>({ index: this.leaves, id: leafId(tenant, eventId) }, { ignore: [404] })
    return r.found && r._source !== undefined ? toLeaf(r._source) : undefined
  }

  /** The leaf of an event in whichever tenant's log holds it (for platform callers, who name no tenant), as of the last refresh. */
  async findLeaf (eventId: string): Promise<LeafRecord | undefined> {
    const r = await this.es.search<LeafSource>({ index: this.leaves, size: 1, query: { term: { event_id: eventId } }, sort: [{ tenant: 'asc' }] })
    const s = r.hits.hits[0]?._source
    return s === undefined ? undefined : toLeaf(s)
  }

  /** Leaves of the tenant by event id (realtime). */
  async leavesByEventId (tenant: string, eventIds: readonly string[]): Promise<Map<string, LeafRecord>> {
    const out = new Map<string, LeafRecord>()
    for (let i = 0; i < eventIds.length; i += MGET_CHUNK) {
      const r = await this.es.mget<LeafSource>({ index: this.leaves, ids: eventIds.slice(i, i + MGET_CHUNK).map(id => leafId(tenant, id)) })
      for (const d of r.docs) if ('found' in d && d.found && d._source !== undefined) out.set(d._source.event_id, toLeaf(d._source))
    }
    return out
  }

  /** Leaves of the tenant with these hashes (a scan of doc values: the leaf hash is not indexed). */
  async leavesByHash (tenant: string, hashes: readonly string[]): Promise<LeafRecord[]> {
    const out: LeafRecord[] = []
    for (let i = 0; i < hashes.length; i += 1000) {
      const chunk = hashes.slice(i, i + 1000)
      const r = await this.es.search<LeafSource>({ index: this.leaves, size: chunk.length * 2, query: { bool: { filter: [{ term: { tenant } }, { terms: { leaf: chunk } }] } } })
      out.push(...r.hits.hits.map(h => toLeaf(h._source as LeafSource)))
    }
    return out
  }

  /** Last sequence number per tenant with leaves. */
  async lastSeqByTenant (): Promise<Map<string, number>> {
    return await this.maxByTenant(this.leaves, 'seq')
  }

  /** Size of the latest checkpoint per tenant. */
  async checkpointedByTenant (): Promise<Map<string, number>> {
    return await this.maxByTenant(this.checkpoints, 'size')
  }

  /** Stores a checkpoint (visible at once); one already stored for this tenant and size is kept. */
  async writeCheckpoint (cp: SignedCheckpoint): Promise<void> {
    const doc: CheckpointSource = { tenant: cp.tenant, size: cp.size, root: cp.root, time: cp.time, key_id: cp.keyId, signature: cp.signature }
    await this.es.create({ index: this.checkpoints, id: `${cp.tenant}:${cp.size}`, document: doc, refresh: true }, { ignore: [409] })
  }

  async latestCheckpoint (tenant: string): Promise<SignedCheckpoint | undefined> {
    const r = await this.es.search<CheckpointSource>({ index: this.checkpoints, size: 1, query: { term: { tenant } }, sort: [{ size: 'desc' }, { time: 'desc' }] })
    const s = r.hits.hits[0]?._source
    return s === undefined ? undefined : toCheckpoint(s)
  }

  /** Stored events by partition and id (realtime), in the order asked; undefined where none is stored. */
  async events (refs: ReadonlyArray<{ index: string, id: string }>): Promise<Array<Record<string, unknown> | undefined>> {
    const out: Array<Record<string, unknown> | undefined> = []
    for (let i = 0; i < refs.length; i += MGET_CHUNK) {
      const r = await this.es.mget<Record<string, unknown>>({ docs: refs.slice(i, i + MGET_CHUNK).map(ref => ({ _index: ref.index, _id: ref.id })) })
      for (const d of r.docs) out.push('found' in d && d.found ? d._source : undefined)
    }
    return out
  }

  /** Ids and partitions of the tenant's events ingested in the window, through the read alias, a page at a time. */
  async * eventPages (tenant: string, ingested: { gte?: string, lte?: string }, pageSize = 5000): AsyncGenerator<Array<{ id: string, index: string }>> {
    const pit = await this.es.openPointInTime({ index: eventsAlias(this.prefix), keep_alive: '2m', ignore_unavailable: true })
    try {
      let after: estypes.SortResults | undefined
      for (;;) {
        const r = await this.es.search({
          pit: { id: pit.id, keep_alive: '2m' },
          size: pageSize,
          _source: false,
          query: { bool: { filter: [{ term: { 'audit.tenant': tenant } }, { range: { 'event.ingested': ingested } }] } },
          sort: [{ _shard_doc: 'asc' }],
          ...(after === undefined ? {} : { search_after: after })
        })
        const hits = r.hits.hits
        if (hits.length > 0) yield hits.map(h => ({ id: h._id as string, index: h._index }))
        if (hits.length < pageSize) return
        after = hits[hits.length - 1]?.sort
      }
    } finally {
      await this.es.closePointInTime({ id: pit.id }, { ignore: [404] })
    }
  }

  private async maxByTenant (index: string, field: string): Promise<Map<string, number>> {
    const r = await this.es.search({ index, size: 0, aggs: { tenants: { terms: { field: 'tenant', size: 10_000 }, aggs: { max: { max: { field } } } } } })
    const buckets = (r.aggregations?.tenants as { buckets: Array<{ key: string, max: { value: number | null } }> } | undefined)?.buckets ?? []
    return new Map(buckets.map(b => [b.key, b.max.value ?? -1]))
  }
}
