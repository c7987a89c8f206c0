import type { KeyObject } from 'node:crypto'
import type { Logger } from 'pino'
import type { IntegrityStore } from '../store/integrity/integrity-store.ts'
import type { CheckpointFile } from '../integrity/checkpoint-file.ts'
import { signCheckpoint, type SignedCheckpoint } from '../integrity/checkpoint.ts'
import type { Frontier, Node } from '../integrity/frontier.ts'
import { loadFrontier } from '../integrity/tree-reader.ts'
import { LeafMissingError } from '../integrity/span-hash.ts'
import { tenantOrigin } from '../integrity/note.ts'
import type { LeafRun, SealEntry, SealResult } from '../integrity/types.ts'

export interface SealerDeps {
  store: IntegrityStore
  file: CheckpointFile
  signingKey: KeyObject
  log: Logger
  now?: () => number
  /** Origin base of the signed-note form of checkpoints (each tenant's log is `<base>/<tenant>`); absent, no note is signed. */
  noteOrigin?: string
}

interface TenantLog { frontier: Frontier, checkpointed: number }

/**
 * A tenant's log that no longer leads to its last signed checkpoint (fewer leaves, or another root): it was
 * altered. Nothing is appended to it nor signed over it; the other tenants' logs go on.
 */
export class LogRefused extends Error {}

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

  /**
   * Appends the entries in order. Entries already in the log are skipped: those marked `recheck`, or all of
   * them with `recheckAll` (a seal job run again), are looked up first; the others are known to be new.
   */
  async seal (entries: readonly SealEntry[], recheckAll = false): Promise<SealResult> {
    return await this.guard(async () => await this.append(entries, recheckAll))
  }

  /** Signs a checkpoint for every tenant whose log grew since its last one; written to the file, then to the index. */
  async checkpoint (): Promise<SignedCheckpoint[]> {
    return await this.guard(async () => await this.checkpointAll())
  }

  private async guard<T> (work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      // A refused log leaves the others as written: they are kept, not reloaded at every job meanwhile.
      if (!(err instanceof LogRefused)) this.invalidate()
      throw err
    }
  }

  private async append (entries: readonly SealEntry[], recheckAll: boolean): Promise<SealResult> {
    // Entries not to look up each stand for a document just created: distinct, and none in the log yet.
    const fresh = recheckAll || entries.some(e => e.recheck === true) ? await this.unsealed(entries, recheckAll) : byTenant(entries)
    const sealed = await this.write(fresh)
    return { sealed, skipped: entries.length - sealed }
  }

  /** The entries not in the log yet, once each, grouped by tenant. */
  private async unsealed (entries: readonly SealEntry[], recheckAll: boolean): Promise<SealEntry[]> {
    const uniqueByTenant = new Map<string, Map<string, SealEntry>>()
    const recheck = new Map<string, string[]>()
    for (const e of entries) {
      let unique = uniqueByTenant.get(e.tenant)
      if (unique === undefined) uniqueByTenant.set(e.tenant, unique = new Map())
      if (unique.has(e.id)) continue
      unique.set(e.id, e)
      if (recheckAll || e.recheck === true) {
        const ids = recheck.get(e.tenant)
        if (ids === undefined) recheck.set(e.tenant, [e.id])
        else ids.push(e.id)
      }
    }
    // Entries that may be in the log already (a retried job, a re-sent event) are looked up by event id,
    // after a refresh that makes every earlier seal visible, and left out before numbering. The log is loaded
    // (and cut at a hole left by a failed write) first: only what is below its end counts as sealed.
    if (recheck.size > 0) {
      await this.deps.store.refresh()
      for (const [tenant, ids] of recheck) {
        const unique = uniqueByTenant.get(tenant) as Map<string, SealEntry>
        // A write that landed late (after its request timed out) may have changed the log behind this view.
        const extent = await this.deps.store.extent(tenant)
        const known = this.logs.get(tenant)?.frontier.size
        if (known !== undefined && (extent.end !== known || extent.leaves !== known)) {
          this.logs.delete(tenant)
          this.pendingNodes = this.pendingNodes.filter(p => p.tenant !== tenant)
        }
        let size: number
        try {
          size = (await this.logOf(tenant)).frontier.size
        } catch (err) {
          if (err instanceof LogRefused) continue // its entries are refused by write()
          throw err
        }
        for (const id of await this.deps.store.sealedIds(tenant, ids, size)) unique.delete(id)
      }
    }
    return [...uniqueByTenant.values()].flatMap(unique => [...unique.values()])
  }

  /**
   * Numbers the entries from each tenant's next sequence number and stores their leaves, then the subtree
   * hashes they complete. A block refused (409: another sealer took the position; or any error) fails the
   * seal: the log is reloaded before the next one, and the job is retried.
   */
  private async write (all: readonly SealEntry[]): Promise<number> {
    const refused = await this.refusedAmong(all)
    const fresh = refused.size === 0 ? all : all.filter(e => !refused.has(e.tenant))
    const sealed = await this.writeRuns(fresh)
    // The job fails for the refused tenants' entries alone: its retry finds the others sealed.
    if (refused.size > 0) throw new LogRefused([...refused.values()].join('; '))
    return sealed
  }

  /** The tenants among the entries whose logs are refused, and why. */
  private async refusedAmong (entries: readonly SealEntry[]): Promise<Map<string, string>> {
    const refused = new Map<string, string>()
    for (const tenant of new Set(entries.map(e => e.tenant))) {
      try {
        await this.logOf(tenant)
      } catch (err) {
        if (!(err instanceof LogRefused)) throw err
        refused.set(tenant, err.message)
      }
    }
    return refused
  }

  private async writeRuns (fresh: readonly SealEntry[]): Promise<number> {
    if (fresh.length === 0) return 0
    const next = new Map<string, Frontier>()
    const runs: Array<LeafRun & { tree: Frontier }> = []
    const completed: Array<{ tenant: string, node: Node }> = []
    let run: LeafRun & { tree: Frontier } | undefined
    for (const e of fresh) {
      if (run?.tenant !== e.tenant) {
        let tree = next.get(e.tenant)
        if (tree === undefined) next.set(e.tenant, tree = (await this.logOf(e.tenant)).frontier.clone())
        runs.push(run = { tenant: e.tenant, start: tree.size, tree, entries: [] })
      }
      run.entries.push(e)
      for (const node of run.tree.append(e.leaf)) completed.push({ tenant: e.tenant, node })
    }

    // Subtree hashes go only with a later write than their leaves': a hash is never stored for leaves that
    // might not be. The previous seal's leaves are stored, so its hashes ride along with this bulk.
    const { blocks, nodesFailed } = await this.deps.store.createRuns(runs, new Date(this.now()).toISOString(), this.pendingNodes)
    this.pendingNodes = []
    if (nodesFailed > 0) this.deps.log.warn({ nodesFailed }, 'subtree hashes not stored; they are rebuilt from the leaves when needed')
    const failed = blocks.find(b => b.status < 200 || b.status >= 300)
    if (failed !== undefined) {
      // Undone whole: blocks of this write that did land would sit at positions the retry numbers again
      // (or, when another sealer took a position, overlap its blocks).
      const why = failed.status === 409 ? 'another sealer already wrote there' : `${failed.status} ${failed.reason ?? ''}`
      const error = new Error(`leaves ${failed.tenant}#${failed.start}-${failed.end - 1} not stored (${why}); the log is reloaded before the next seal`)
      await this.deps.store.deleteBlocks(blocks.filter(b => b.status >= 200 && b.status < 300)).catch((err: Error) => {
        // What is left is cut as debris past a hole, or taken into the log, when it is reloaded.
        this.deps.log.error({ err: err.message, cause: error.message }, 'blocks of a refused seal could not be removed')
      })
      throw error
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
    const ends = await store.endByTenant()
    const checkpointed = await store.checkpointedByTenant()
    const made: SignedCheckpoint[] = []
    const refused: string[] = []
    for (const [tenant, end] of [...ends].sort(([a], [b]) => a.localeCompare(b))) {
      if (end <= (checkpointed.get(tenant) ?? 0)) continue
      let log: TenantLog
      try {
        log = await this.logOf(tenant)
      } catch (err) {
        if (!(err instanceof LogRefused)) throw err
        refused.push(err.message)
        continue
      }
      if (log.frontier.size <= log.checkpointed) continue
      const origin = this.deps.noteOrigin === undefined ? undefined : tenantOrigin(this.deps.noteOrigin, tenant)
      const cp = signCheckpoint({ tenant, size: log.frontier.size, root: log.frontier.root().toString('hex'), time: new Date(this.now()).toISOString() }, signingKey, origin)
      // The file first: if the index write fails, the retry signs again and the file's latest line matches the index.
      await file.append(cp)
      await store.writeCheckpoint(cp)
      log.checkpointed = cp.size
      made.push(cp)
    }
    if (made.length > 0) this.deps.log.info({ checkpoints: made.map(c => `${c.tenant}:${c.size}`) }, 'integrity checkpoints signed')
    if (refused.length > 0) throw new LogRefused(refused.join('; '))
    return made
  }

  private refuse (tenant: string, why: string): LogRefused {
    this.deps.log.error({ tenant, why }, 'integrity log altered inside what a signed checkpoint covers: it is not sealed nor signed until it is repaired; verification reports it')
    return new LogRefused(`the integrity log of ${tenant} is refused: ${why}`)
  }

  /**
   * The tenant's log as Elasticsearch holds it, loaded once and then kept up to date in memory. Refused
   * (LogRefused) when it no longer leads to its last signed checkpoint.
   */
  private async logOf (tenant: string): Promise<TenantLog> {
    const known = this.logs.get(tenant)
    if (known !== undefined) return known
    const { store, log } = this.deps
    await store.refresh()
    const extent = await store.extent(tenant)
    let size = extent.end
    const last = await store.latestCheckpoint(tenant)
    const checkpointed = last?.size ?? 0
    // Not one unbroken run of blocks from seq 0 (a hole, or blocks that overlap) when the leaves do not add up
    // to the end; when they do, a hole and an overlap of the same size could still hide past the last
    // checkpoint, so that part (at most one checkpoint period of blocks) is walked anyway.
    const whole = extent.leaves !== size
    if (whole || size > checkpointed) {
      const { end, strays } = await store.chain(tenant, whole ? 0 : checkpointed)
      const broken = end !== size || strays.length > 0
      if (broken && end >= checkpointed && strays.every(start => start >= checkpointed)) {
        // Debris of a seal that failed midway (and will be retried): no checkpoint covers it.
        log.warn({ tenant, end, size, strays }, 'integrity log is broken past its last checkpoint (interrupted seal); cutting it there')
        await store.truncate(tenant, end, strays)
        size = end
      } else if (broken) {
        log.error({ tenant, end, strays, checkpointed }, 'integrity log is broken inside what a signed checkpoint covers: it was altered, or two sealers ran; verification reports it')
      }
    }
    if (size < checkpointed) throw this.refuse(tenant, `it holds ${size} leaves, fewer than the ${checkpointed} its last checkpoint signed`)
    const { frontier, rebuilt } = await loadFrontier(store, tenant, size).catch((err: Error) => { throw err instanceof LeafMissingError ? this.refuse(tenant, `its tree cannot be rebuilt: ${err.message}`) : err })
    // Leaves or subtree hashes changed in Elasticsearch would otherwise be taken in, and signed over.
    const signed = last === undefined ? undefined : size === last.size ? frontier : (await loadFrontier(store, tenant, last.size)).frontier
    if (last !== undefined && signed?.root().toString('hex') !== last.root) throw this.refuse(tenant, `its first ${last.size} leaves no longer lead to the root its checkpoint signed`)
    if (rebuilt.length > 0) await store.createNodes(tenant, rebuilt)
    const loaded = { frontier, checkpointed }
    this.logs.set(tenant, loaded)
    return loaded
  }
}

/** The entries grouped by tenant, in order within each (as they are when all are of one tenant). */
function byTenant (entries: readonly SealEntry[]): readonly SealEntry[] {
  const first = entries[0]?.tenant
  if (entries.every(e => e.tenant === first)) return entries
  const groups = new Map<string, SealEntry[]>()
  for (const e of entries) {
    const group = groups.get(e.tenant)
    if (group === undefined) groups.set(e.tenant, [e])
    else group.push(e)
  }
  return [...groups.values()].flat()
}
