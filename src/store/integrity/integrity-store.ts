import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { bulkCreate, type BulkDoc } from '../bulk.ts'
import { searchPages, WHOLE } from '../search-pages.ts'
import { eventsAlias } from '../events/index-names.ts'
import { eventKey } from '../events/event-key.ts'
import { eventDocId, eventIdOfDoc } from '../events/event-doc-id.ts'
import { getDocs } from '../events/event-copies.ts'
import type { LeafRecord, LeafRun } from '../../integrity/types.ts'
import type { SignedCheckpoint } from '../../integrity/checkpoint.ts'
import { nodeEnd, type Node } from '../../integrity/frontier.ts'
import { nodeKey } from '../../integrity/span-hash.ts'
import { integrityIndex } from './integrity-indices.ts'
import { blockId, idsOf, leavesOf, toBlocks, toCheckpoint, toRuns, type BlockSource, type CheckpointSource } from './integrity-docs.ts'

const MGET_CHUNK = 5000
/** Event ids per terms lookup, and blocks per page of a walk. */
const TERMS_CHUNK = 5000
const BLOCKS_PER_PAGE = 8
const TENANTS_PER_PAGE = 1000
/** Blocks per page of a look-up by event id. */
const LOOKUP_PAGE = 500

export interface BlockResult { tenant: string, start: number, end: number, status: number, reason?: string }

/** Every Elasticsearch request of the integrity logs, and the reads of events that verification needs. */
export class IntegrityStore {
  readonly blocks: string
  readonly nodes: string
  readonly checkpoints: string

  constructor (private readonly es: Es, private readonly prefix: string) {
    this.blocks = integrityIndex(prefix, 'blocks')
    this.nodes = integrityIndex(prefix, 'nodes')
    this.checkpoints = integrityIndex(prefix, 'checkpoints')
  }

  async refresh (): Promise<void> {
    await this.es.indices.refresh({ index: [this.blocks, this.checkpoints] })
  }

  /**
   * Which of these event ids the tenant's log holds below `size` (the log as the caller knows it: a block past
   * it is debris of a failed write, not the log), as of the last refresh.
   */
  async sealedIds (tenant: string, eventIds: readonly string[], size: number): Promise<Set<string>> {
    const found = new Set<string>()
    for (const block of await this.blocksWithEvents(tenant, eventIds, ['leaf_events', 'event_ids', 'end'])) {
      if (block.end <= size) for (const id of idsOf(block)) found.add(id)
    }
    return new Set(eventIds.filter(id => found.has(id)))
  }

  /**
   * Creates the leaves, in blocks (a new block per tenant and every BLOCK_LEAVES), and in the same bulk subtree
   * hashes of leaves already stored. One result per block; 409 means another writer took that position.
   */
  async createLeaves (leaves: readonly LeafRecord[], nodes: ReadonlyArray<{ tenant: string, node: Node }> = []): Promise<{ blocks: BlockResult[], nodesFailed: number }> {
    return await this.writeBlocks(toBlocks(toRuns(leaves)), nodes)
  }

  /** createLeaves for runs of entries sealed now, numbered from each run's start. */
  async createRuns (runs: readonly LeafRun[], sealedAt: string, nodes: ReadonlyArray<{ tenant: string, node: Node }> = []): Promise<{ blocks: BlockResult[], nodesFailed: number }> {
    return await this.writeBlocks(toBlocks(runs.map(r => ({ ...r, sealedAt }))), nodes)
  }

  private async writeBlocks (blocks: readonly BlockSource[], nodes: ReadonlyArray<{ tenant: string, node: Node }>): Promise<{ blocks: BlockResult[], nodesFailed: number }> {
    const results = await bulkCreate(this.es, [
      ...blocks.map(b => ({ index: this.blocks, id: blockId(b.tenant, b.start), doc: b })),
      ...nodes.map(({ tenant, node }) => this.nodeDoc(tenant, node))
    ])
    const nodesFailed = results.slice(blocks.length).filter(r => r.status !== 409 && (r.status < 200 || r.status >= 300)).length
    return {
      blocks: blocks.map((b, i) => ({ tenant: b.tenant, start: b.start, end: b.end, status: results[i]?.status ?? 500, ...(results[i]?.reason === undefined ? {} : { reason: results[i]?.reason }) })),
      nodesFailed
    }
  }

  /** Removes blocks just created by a write that is being undone (visible at once); absent ones are fine. */
  async deleteBlocks (blocks: ReadonlyArray<{ tenant: string, start: number }>): Promise<void> {
    if (blocks.length === 0) return
    const r = await this.es.bulk({ refresh: true, operations: blocks.map(b => ({ delete: { _index: this.blocks, _id: blockId(b.tenant, b.start) } })), filter_path: ['errors', 'items.*.status'] })
    const failed = r.items.find(item => { const status = Object.values(item)[0]?.status ?? 500; return status !== 404 && (status < 200 || status >= 300) })
    if (failed !== undefined) throw new Error('blocks of an undone seal could not be removed; the log is checked when reloaded')
  }

  private nodeDoc (tenant: string, n: Node): BulkDoc {
    return { index: this.nodes, id: `${tenant}:${nodeKey(n.level, n.index)}`, doc: { tenant, level: n.level, index: n.index, end: nodeEnd(n.level, n.index), hash: n.hash.toString('hex') } }
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

  /**
   * Where the tenant's log ends (its highest seq + 1) and how many leaves it holds, as of the last refresh;
   * without a tenant, over every log.
   */
  async extent (tenant?: string): Promise<{ end: number, leaves: number }> {
    const r = await this.es.search({ index: this.blocks, size: 0, ...(tenant === undefined ? {} : { query: { term: { tenant } } }), aggs: { end: { max: { field: 'end' } }, leaves: { sum: { field: 'count' } } } })
    const value = (name: string): number => (r.aggregations?.[name] as { value?: number | null } | undefined)?.value ?? 0
    return { end: value('end'), leaves: value('leaves') }
  }

  /** Leaves of every log, or of one tenant's (for monitoring and tests). */
  async leafCount (tenant?: string): Promise<number> {
    return (await this.extent(tenant)).leaves
  }

  /**
   * The unbroken run of blocks from seq 0 (each starting where the previous ended): where it ends, and the
   * blocks that overlap it (they start inside it). Past its end the log has a hole. With `from`, the run is
   * followed from the block holding that seq, and only blocks starting at or after it count as strays.
   */
  async chain (tenant: string, from = 0): Promise<{ end: number, strays: number[] }> {
    let end: number | undefined = from === 0 ? 0 : undefined
    const strays: number[] = []
    for await (const page of this.blockPages(tenant, from, Number.MAX_SAFE_INTEGER, ['start', 'end'], 1000)) {
      for (const b of page) {
        if (end === undefined) {
          if (b.start > from) return { end: from, strays }
          end = b.end
        } else if (b.start > end) {
          return { end, strays }
        } else if (b.start === end) {
          end = b.end
        } else if (b.start >= from) {
          strays.push(b.start)
        }
      }
    }
    return { end: end ?? from, strays }
  }

  /** Cuts the tenant's log at `seq`: removes the blocks from there on and the strays named (by start), and the subtree hashes past `seq`. */
  async truncate (tenant: string, seq: number, strays: readonly number[] = []): Promise<void> {
    await this.deleteBlocks(strays.map(start => ({ tenant, start })))
    // Deletes by query see only what a refresh made visible (the indices refresh every 30 s by themselves).
    await this.es.indices.refresh({ index: [this.blocks, this.nodes] })
    await this.es.deleteByQuery({ index: this.blocks, refresh: true, conflicts: 'proceed', query: { bool: { filter: [{ term: { tenant } }, { range: { start: { gte: seq } } }] } } })
    await this.es.deleteByQuery({ index: this.nodes, refresh: true, conflicts: 'proceed', query: { bool: { filter: [{ term: { tenant } }, { range: { end: { gt: seq } } }] } } })
  }

  /** Leaves with from ≤ seq < to, in order, a few blocks at a time. */
  async * leafPages (tenant: string, from: number, to: number): AsyncGenerator<LeafRecord[]> {
    for await (const page of this.blockPages(tenant, from, to)) {
      const leaves = page.flatMap(leavesOf).filter(l => l.seq >= from && l.seq < to)
      if (leaves.length > 0) yield leaves
    }
  }

  /** Blocks overlapping [from, to), by start. */
  private blockPages (tenant: string, from: number, to: number, source?: string[], size = BLOCKS_PER_PAGE): AsyncGenerator<BlockSource[]> {
    const query = { bool: { filter: [{ term: { tenant } }, { range: { start: { lt: to } } }, { range: { end: { gt: from } } }] } }
    return this.searchBlocks(query, [{ start: 'asc' }, { end: 'asc' }], size, source)
  }

  /** Every block the query matches, in `sort` order (which must be unique), `size` at a time. */
  private async * searchBlocks (query: estypes.QueryDslQueryContainer, sort: estypes.Sort, size: number, source?: string[]): AsyncGenerator<BlockSource[]> {
    const request = { index: this.blocks, size, query, sort, ...(source === undefined ? {} : { _source: source }) }
    for await (const hits of searchPages<BlockSource>(this.es, request)) yield hits.map(h => h._source as BlockSource)
  }

  /**
   * Blocks of the tenant that may hold any of these events (chunked terms lookups), as of the last refresh:
   * by key, so also blocks holding other events of the same key; callers match the ids.
   */
  private async blocksWithEvents (tenant: string | undefined, eventIds: readonly string[], source?: string[]): Promise<BlockSource[]> {
    const out: BlockSource[] = []
    for (let i = 0; i < eventIds.length; i += TERMS_CHUNK) {
      const chunk = eventIds.slice(i, i + TERMS_CHUNK)
      const byId: estypes.QueryDslQueryContainer = { bool: { should: [{ terms: { leaf_keys: chunk.map(eventKey) } }, { terms: { event_ids: chunk } }], minimum_should_match: 1 } }
      const filter: estypes.QueryDslQueryContainer[] = [byId]
      if (tenant !== undefined) filter.push({ term: { tenant } })
      // Paged to the end: ids chosen to share keys can make a chunk match any number of blocks.
      for await (const page of this.searchBlocks({ bool: { filter } }, [{ tenant: 'asc' }, { start: 'asc' }], LOOKUP_PAGE, source)) out.push(...page)
    }
    return out
  }

  /** The leaf of an event in the tenant's log (or, for platform callers, in whichever log holds it), as of the last refresh. */
  async leafOf (tenant: string | null, eventId: string): Promise<LeafRecord | undefined> {
    for (const block of await this.blocksWithEvents(tenant ?? undefined, [eventId])) {
      const leaf = leavesOf(block).find(l => l.eventId === eventId)
      if (leaf !== undefined) return leaf
    }
    return undefined
  }

  /** The tenants whose logs hold this event id (tenants may share ids), as of the last refresh. */
  async tenantsOf (eventId: string): Promise<string[]> {
    const tenants = new Set<string>()
    for (const block of await this.blocksWithEvents(undefined, [eventId], ['tenant', 'leaf_events', 'event_ids'])) {
      if (idsOf(block).includes(eventId)) tenants.add(block.tenant)
    }
    return [...tenants].sort()
  }

  /** Leaves of the tenant by event id, as of the last refresh. */
  async leavesByEventId (tenant: string, eventIds: readonly string[]): Promise<Map<string, LeafRecord>> {
    const wanted = new Set(eventIds)
    const out = new Map<string, LeafRecord>()
    for (const block of await this.blocksWithEvents(tenant, eventIds)) {
      for (const leaf of leavesOf(block)) if (wanted.has(leaf.eventId) && !out.has(leaf.eventId)) out.set(leaf.eventId, leaf)
    }
    return out
  }

  /** Where each log ends (highest seq + 1), per tenant with leaves. */
  async endByTenant (): Promise<Map<string, number>> {
    return await this.maxByTenant(this.blocks, 'end')
  }

  /** Size of the latest checkpoint per tenant. */
  async checkpointedByTenant (): Promise<Map<string, number>> {
    return await this.maxByTenant(this.checkpoints, 'size')
  }

  /** Stores a checkpoint (visible at once); one already stored for this tenant and size is kept. */
  async writeCheckpoint (cp: SignedCheckpoint): Promise<void> {
    const doc: CheckpointSource = {
      tenant: cp.tenant, size: cp.size, root: cp.root, time: cp.time, key_id: cp.keyId, signature: cp.signature,
      ...(cp.origin === undefined ? {} : { origin: cp.origin }), ...(cp.noteSignature === undefined ? {} : { note_signature: cp.noteSignature })
    }
    await this.es.create({ index: this.checkpoints, id: `${cp.tenant}:${cp.size}`, document: doc, refresh: true }, { ignore: [409] })
  }

  async latestCheckpoint (tenant: string): Promise<SignedCheckpoint | undefined> {
    const r = await this.es.search<CheckpointSource>({ index: this.checkpoints, size: 1, query: { term: { tenant } }, sort: [{ size: 'desc' }, { time: 'desc' }] })
    const s = r.hits.hits[0]?._source
    return s === undefined ? undefined : toCheckpoint(s)
  }

  /** The tenant's checkpoint of this size (at most one: they are stored under `<tenant>:<size>`). */
  async checkpointAt (tenant: string, size: number): Promise<SignedCheckpoint | undefined> {
    const r = await this.es.get<CheckpointSource>({ index: this.checkpoints, id: `${tenant}:${size}` }, { ignore: [404] })
    return r.found && r._source !== undefined && r._source.tenant === tenant ? toCheckpoint(r._source) : undefined
  }

  /** The tenant's checkpoints of size at most `atMost`, largest first, `limit` of them. */
  async checkpointPage (tenant: string, atMost: number, limit: number): Promise<SignedCheckpoint[]> {
    const r = await this.es.search<CheckpointSource>({ index: this.checkpoints, size: limit, query: { bool: { filter: [{ term: { tenant } }, { range: { size: { lte: atMost } } }] } }, sort: [{ size: 'desc' }] })
    return r.hits.hits.flatMap(h => h._source === undefined ? [] : [toCheckpoint(h._source)])
  }

  /**
   * Stored events of a log by partition, tenant and event id (realtime), in the order asked; undefined where
   * none is stored. Events stored by earlier versions (`_id` = event id) are found too, if of that tenant.
   */
  async events (refs: ReadonlyArray<{ index: string, tenant: string, id: string }>): Promise<Array<Record<string, unknown> | undefined>> {
    const out = await getDocs(this.es, refs.map(r => ({ index: r.index, id: eventDocId(r.tenant, r.id) })))
    const missing = refs.flatMap((_, i) => out[i] === undefined ? [i] : [])
    if (missing.length === 0) return out
    const legacy = await getDocs(this.es, missing.map(i => ({ index: (refs[i] as { index: string }).index, id: (refs[i] as { id: string }).id })))
    missing.forEach((i, k) => {
      const doc = legacy[k]
      if ((doc?.audit as { tenant?: unknown } | undefined)?.tenant === refs[i]?.tenant) out[i] = doc
    })
    return out
  }

  /** Ids and partitions of the tenant's events ingested in the window, through the read alias, a page at a time. */
  async * eventPages (tenant: string, ingested: { gte?: string, lte?: string }, pageSize = 5000): AsyncGenerator<Array<{ id: string, index: string }>> {
    const request = {
      size: pageSize,
      _source: false,
      query: { bool: { filter: [{ term: { 'audit.tenant': tenant } }, { range: { 'event.ingested': ingested } }] } },
      sort: [{ _shard_doc: 'asc' as const }],
      ...WHOLE
    }
    // A partition missing from the walk would read as events deleted: a shard that cannot answer refuses it.
    const openPit = { index: eventsAlias(this.prefix), keep_alive: '2m', ignore_unavailable: true, ...WHOLE }
    for await (const hits of searchPages(this.es, request, { openPit })) yield hits.map(h => ({ id: eventIdOfDoc(h._id as string), index: h._index }))
  }

  /** Every tenant's highest value of the field, a page of tenants at a time (a terms list would stop at its size). */
  private async maxByTenant (index: string, field: string): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    let after: Record<string, string> | undefined
    for (;;) {
      const r = await this.es.search({ index, size: 0, aggs: { tenants: { composite: { size: TENANTS_PER_PAGE, sources: [{ tenant: { terms: { field: 'tenant' } } }], ...(after === undefined ? {} : { after }) }, aggs: { max: { max: { field } } } } } })
      const page = r.aggregations?.tenants as { buckets: Array<{ key: { tenant: string }, max: { value: number | null } }>, after_key?: { tenant: string } } | undefined
      for (const b of page?.buckets ?? []) out.set(b.key.tenant, b.max.value ?? -1)
      if (page?.after_key === undefined || (page.buckets.length) < TENANTS_PER_PAGE) return out
      after = page.after_key
    }
  }
}
