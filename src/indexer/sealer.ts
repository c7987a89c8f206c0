import type { KeyObject } from 'node:crypto'
import type { Logger } from 'pino'
import { leafId, type IntegrityStore } from '../store/integrity-store.ts'
import type { CheckpointFile } from '../integrity/checkpoint-file.ts'
import { signCheckpoint, type SignedCheckpoint } from '../integrity/checkpoint.ts'
import type { Frontier, Node } from '../integrity/frontier.ts'
import { loadFrontier } from '../integrity/tree-reader.ts'
import type { LeafRecord, SealEntry } from '../integrity/types.ts'

export interface SealerDeps {
  store: IntegrityStore
  file: CheckpointFile
  signingKey: KeyObject
  log: Logger
  now?: () => number
}

export interface SealResult { sealed: number, skipped: number }

interface TenantLog { frontier: Frontier, checkpointed: number }

const LEAF_HEX = /^[0-9a-f]{64}$/

/**
 * Appends stored events to their tenant's Merkle log and signs checkpoints. Exactly one sealer runs at a time
 * (the seal queue's global concurrency is 1), so its in-memory view of each log (next sequence number and the
 * tree's right edge) is the truth as long as nothing fails. After any failure, or when another process sealed
 * in between, that view is dropped and rebuilt from Elasticsearch: numbers are never reused nor skipped.
 */
export class Sealer {
  private readonly logs = new Map<string, TenantLog>()
  /** Subtree hashes completed by the last seal, stored with the next one (or at the next checkpoint). */
  private pendingNodes: Array<{ tenant: string, node: Node }> = []
  private readonly now: () => number

  constructor (private readonly deps: SealerDeps) {
    this.now = deps.now ?? Date.now
  }

  /** Forgets every log's state; each is reloaded from Elasticsearch when next needed. */
  invalidate (): void {
    this.logs.clear()
    // They are a cache: ones never stored are rebuilt from the leaves when needed.
    this.pendingNodes = []
  }

  /** Appends the entries in order; entries already in the log (retries, duplicates) are skipped. */
  async seal (entries: readonly SealEntry[]): Promise<SealResult> {
    return await this.guard(async () => await this.append(entries))
  }

  /** Signs a checkpoint for every tenant whose log grew since its last one; written to the file, then to the index. */
  async checkpoint (): Promise<SignedCheckpoint[]> {
    return await this.guard(async () => await this.checkpointAll())
  }

  private async guard<T> (work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      this.invalidate()
      throw err
    }
  }

  private async append (entries: readonly SealEntry[]): Promise<SealResult> {
    const unique = new Map<string, SealEntry>()
    for (const e of entries) {
      if (!LEAF_HEX.test(e.leaf)) throw new Error(`seal entry for ${e.tenant}/${e.id} has no valid leaf hash`)
      const id = leafId(e.tenant, e.id)
      if (!unique.has(id)) unique.set(id, e)
    }
    // Most entries are new: write them straight away. If some were already in the log (a retried job, a
    // re-sent event), the 409s leave holes in the numbering: that write is undone and done again without them.
    const sealed = await this.write([...unique.values()], false) ?? await this.write(await this.notInLog(unique), true) ?? 0
    return { sealed, skipped: entries.length - sealed }
  }

  private async notInLog (unique: Map<string, SealEntry>): Promise<SealEntry[]> {
    const existing = await this.deps.store.existingLeafIds([...unique.keys()])
    return [...unique].filter(([id]) => !existing.has(id)).map(([, e]) => e)
  }

  /**
   * Numbers the entries from each tenant's next sequence number and stores their leaves, then the subtree
   * hashes they complete. Returns how many were sealed, or undefined when some were already in the log and
   * the write was undone (only when `checked` is false: entries known to be new never conflict).
   */
  private async write (fresh: SealEntry[], checked: boolean): Promise<number | undefined> {
    if (fresh.length === 0) return 0
    const next = new Map<string, Frontier>()
    for (const tenant of new Set(fresh.map(e => e.tenant))) next.set(tenant, (await this.logOf(tenant)).frontier.clone())
    const sealedAt = new Date(this.now()).toISOString()
    const leaves: LeafRecord[] = []
    const completed: Array<{ tenant: string, node: Node }> = []
    for (const e of fresh) {
      const tree = next.get(e.tenant) as Frontier
      leaves.push({ tenant: e.tenant, seq: tree.size, eventId: e.id, eventIndex: e.index, leaf: e.leaf, sealedAt })
      for (const node of tree.append(Buffer.from(e.leaf, 'hex'))) completed.push({ tenant: e.tenant, node })
    }

    // Subtree hashes go only with a later write than their leaves': a hash is never stored for leaves that
    // might not be. The previous seal's leaves are stored, so its hashes ride along with this bulk.
    const { leaves: results, nodesFailed } = await this.deps.store.createLeaves(leaves, this.pendingNodes)
    this.pendingNodes = []
    if (nodesFailed > 0) this.deps.log.warn({ nodesFailed }, 'subtree hashes not stored; they are rebuilt from the leaves when needed')
    const failed = results.findIndex(r => r.status !== 409 && (r.status < 200 || r.status >= 300))
    if (failed >= 0) {
      const leaf = leaves[failed] as LeafRecord
      const r = results[failed]
      throw new Error(`leaf ${leaf.tenant}#${leaf.seq} not stored (${r?.status} ${r?.reason ?? ''}); the log is reloaded before the next seal`)
    }
    if (results.some(r => r.status === 409)) {
      if (checked) throw new Error('a leaf appeared in the log while sealing: is another sealer running?')
      // Nothing of this write was committed to memory: once its leaves are gone, the known state holds.
      await this.deps.store.deleteLeaves(leaves.filter((_, i) => results[i]?.status !== 409))
      return undefined
    }
    this.pendingNodes = completed
    for (const [tenant, tree] of next) (this.logs.get(tenant) as TenantLog).frontier = tree
    return fresh.length
  }

  private async checkpointAll (): Promise<SignedCheckpoint[]> {
    const { store, file, signingKey } = this.deps
    const pending = this.pendingNodes
    this.pendingNodes = []
    for (const tenant of new Set(pending.map(p => p.tenant))) await store.createNodes(tenant, pending.filter(p => p.tenant === tenant).map(p => p.node))
    await store.refresh()
    const lastSeqs = await store.lastSeqByTenant()
    const checkpointed = await store.checkpointedByTenant()
    const made: SignedCheckpoint[] = []
    for (const [tenant, last] of [...lastSeqs].sort(([a], [b]) => a.localeCompare(b))) {
      if (last + 1 <= (checkpointed.get(tenant) ?? 0)) continue
      const log = await this.logOf(tenant)
      if (log.frontier.size <= log.checkpointed) continue
      const cp = signCheckpoint({ tenant, size: log.frontier.size, root: log.frontier.root().toString('hex'), time: new Date(this.now()).toISOString() }, signingKey)
      // The file first: if the index write fails, the retry signs again and the file's latest line matches the index.
      await file.append(cp)
      await store.writeCheckpoint(cp)
      log.checkpointed = cp.size
      made.push(cp)
    }
    if (made.length > 0) this.deps.log.info({ checkpoints: made.map(c => `${c.tenant}:${c.size}`) }, 'integrity checkpoints signed')
    return made
  }

  /** The tenant's log as Elasticsearch holds it, loaded once and then kept up to date in memory. */
  private async logOf (tenant: string): Promise<TenantLog> {
    const known = this.logs.get(tenant)
    if (known !== undefined) return known
    const { store, log } = this.deps
    await store.refresh()
    let size = (await store.lastSeq(tenant)) + 1
    const checkpointed = (await store.latestCheckpoint(tenant))?.size ?? 0
    const count = await store.countLeaves(tenant)
    if (count < size) {
      const gap = await this.firstGap(tenant, size)
      if (gap >= checkpointed) {
        // Leaves past a hole come from a seal that failed midway and will be retried: no checkpoint covers them.
        log.warn({ tenant, gap, size }, 'integrity log has a hole past its last checkpoint (interrupted seal); truncating it there')
        await store.truncate(tenant, gap)
        size = gap
      } else {
        log.error({ tenant, gap, checkpointed }, 'integrity log lost leaves covered by a signed checkpoint: it was altered; verification reports it')
      }
    } else if (count > size) {
      log.error({ tenant, count, size }, 'integrity log holds two leaves with one sequence number: it was altered or two sealers ran; verification reports it')
    }
    const { frontier, rebuilt } = await loadFrontier(store, tenant, size)
    if (rebuilt.length > 0) await store.createNodes(tenant, rebuilt)
    const loaded = { frontier, checkpointed }
    this.logs.set(tenant, loaded)
    return loaded
  }

  /** The first sequence number below `size` that no leaf holds (binary search on counts). */
  private async firstGap (tenant: string, size: number): Promise<number> {
    let lo = 0
    let hi = size
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (await this.deps.store.countLeaves(tenant, mid) === mid) lo = mid
      else hi = mid
    }
    return lo
  }
}
