import { ValidationError } from '../errors.ts'
import type { CheckpointFile } from './checkpoint-file.ts'
import type { SignedCheckpoint } from './checkpoint.ts'
import type { CheckpointReads } from './checkpoint-service.ts'
import type { LeafRecord } from './types.ts'
import type { TrustedKeys } from './trusted-keys.ts'
import { type Frontier, nodeEnd, nodeStart, perfectBlocks } from './frontier.ts'
import { eventLeaf } from './leaf.ts'
import type { Problem, VerifyReport } from './schemas.ts'
import { loadFrontier, spanHashes } from './tree-reader.ts'
import { checkCheckpoints, classifyMismatches, compareContents, insertions, SequenceCheck, type Mismatch } from './verify-diff.ts'

/** What a verification learnt of retired partitions, so that each is asked about once. */
class RetiredCache {
  private readonly known = new Map<string, { retired: false } | { retired: true, at?: string }>()
  constructor (private readonly ask: VerifyDeps['retired']) {}

  async learn (indices: readonly string[]): Promise<void> {
    const unknown = [...new Set(indices)].filter(i => !this.known.has(i))
    if (unknown.length === 0) return
    const retired = await this.ask(unknown)
    for (const i of unknown) {
      const at = retired.get(i)
      this.known.set(i, retired.has(i) ? { retired: true, ...(at === undefined ? {} : { at }) } : { retired: false })
    }
  }

  /** Whether retention removed the leaf's event: its partition went, and (when recorded) after the event was sealed. */
  removed (leaf: LeafRecord): boolean {
    const p = this.known.get(leaf.eventIndex)
    return p?.retired === true && (p.at === undefined || leaf.sealedAt <= p.at)
  }
}

/** Most leaves one verification rehashes; longer logs are verified in ranges. */
export const MAX_VERIFY_RANGE = 1_000_000
const MAX_LISTED = 1000

/** The reads of the log and of the stored events a verification needs; IntegrityStore provides them. */
export interface VerifyReads extends CheckpointReads {
  /** Makes the latest writes of the log visible to searches. */
  refresh: () => Promise<void>
  extent: (tenant: string) => Promise<{ end: number, leaves: number }>
  /** Stored events by partition, tenant and event id, in the order asked; undefined where none is stored. */
  events: (refs: ReadonlyArray<{ index: string, tenant: string, id: string }>) => Promise<Array<Record<string, unknown> | undefined>>
  /** Ids and partitions of the tenant's events ingested in the window, a page at a time. */
  eventPages: (tenant: string, ingested: { gte?: string, lte?: string }) => AsyncGenerator<Array<{ id: string, index: string }>>
  leavesByEventId: (tenant: string, eventIds: readonly string[]) => Promise<Map<string, LeafRecord>>
}

export interface VerifyDeps {
  store: VerifyReads
  file: CheckpointFile
  keys: TrustedKeys
  /**
   * Of these partitions (holding missing events), those retention removed, each with when (when recorded): events
   * sealed before are expected to be gone; one sealed after (in the partition made again) was deleted otherwise.
   */
  retired: (indices: readonly string[]) => Promise<ReadonlyMap<string, string | undefined>>
}

export interface VerifyRange {
  from?: number
  to?: number
  /** Scan for insertions from this ingestion time on at the latest (an incremental check: the earlier ones were scanned before). */
  ingestedFrom?: string
}

/**
 * Recomputes a range of a tenant's log: every leaf against the event stored under its id, the signed root
 * against the stored leaves, the checkpoint against its copy in the file, and the tenant's stored events
 * (ingested up to the checkpoint) against the log, to find insertions.
 */
export async function verifyLog (deps: VerifyDeps, tenant: string, range: VerifyRange): Promise<VerifyReport> {
  const { store } = deps
  await store.refresh()
  const last = (await store.extent(tenant)).end - 1
  const from = range.from ?? 0
  const to = range.to ?? Math.max(from - 1, Math.min(last, from + MAX_VERIFY_RANGE - 1))
  if (to < from - 1 || to - from + 1 > MAX_VERIFY_RANGE) {
    throw new ValidationError([{ index: 0, path: '/querystring/to', message: `must be from ${from - 1} to ${from + MAX_VERIFY_RANGE - 1}: at most ${MAX_VERIFY_RANGE} leaves per verification` }], 'the verification range is invalid')
  }
  const esCheckpoint = await store.latestCheckpoint(tenant)
  const fileLines = await deps.file.find(tenant, esCheckpoint)
  const checked = checkCheckpoints(esCheckpoint, fileLines, cp => deps.keys.verifies(cp))
  const anchor = checked.anchor
  const problems: Problem[] = [...checked.problems]

  const end = Math.min(to, last) + 1
  const sequence = new SequenceCheck(from)
  let tree: Frontier | undefined
  if (anchor !== undefined) {
    try {
      tree = (await loadFrontier(store, tenant, Math.min(from, anchor.size))).frontier
    } catch (err) {
      problems.push({ kind: 'leaf_log_altered', size: anchor.size, detail: `the root of size ${anchor.size} cannot be recomputed: ${(err as Error).message}` })
    }
  }
  const mismatches: Mismatch[] = []
  const retired = new RetiredCache(deps.retired)
  let count = 0
  let expired = 0
  let omitted = 0
  let minIngested: string | undefined
  let maxIngested: string | undefined
  for await (const page of store.leafPages(tenant, from, end)) {
    const leaves = page.filter(leaf => sequence.accept(leaf))
    const events = await store.events(leaves.map(l => ({ index: l.eventIndex, tenant: l.tenant, id: l.eventId })))
    const stored = events.map(e => e === undefined ? undefined : eventLeaf(e).toString('hex'))
    // Asked once the events were read: a partition the sweep deletes meanwhile is then seen gone.
    await retired.learn(leaves.filter((_, i) => stored[i] === undefined).map(l => l.eventIndex))
    const diff = compareContents(leaves, stored, leaf => retired.removed(leaf))
    problems.push(...diff.deleted)
    mismatches.push(...diff.mismatches.slice(0, Math.max(0, 10 * MAX_LISTED - mismatches.length)))
    omitted += Math.max(0, diff.mismatches.length - (10 * MAX_LISTED - mismatches.length))
    expired += diff.expired
    omitted += trim(problems)
    count += leaves.length
    for (const e of events) {
      const ingested = (e?.event as { ingested?: unknown } | undefined)?.ingested
      if (typeof ingested !== 'string') continue
      if (minIngested === undefined || ingested < minIngested) minIngested = ingested
      if (maxIngested === undefined || ingested > maxIngested) maxIngested = ingested
    }
    if (tree !== undefined && anchor !== undefined) {
      for (const leaf of leaves) if (leaf.seq === tree.size && leaf.seq < anchor.size) tree.append(leaf.leaf)
    }
  }
  sequence.finish(end)
  problems.push(...sequence.problems)
  // Blocks deleted at the end leave no hole, and stored subtree hashes still give the signed root.
  if (anchor !== undefined && last + 1 < anchor.size) problems.push({ kind: 'leaf_log_altered', size: anchor.size, detail: `the log holds ${last + 1} leaves, fewer than the ${anchor.size} its checkpoint signed` })

  const byLeaf = mismatches.length === 0 ? new Map<string, number>() : await positionsOf(store, tenant, new Set(mismatches.map(m => m.found)), last + 1)
  problems.push(...classifyMismatches(mismatches, byLeaf))

  if (anchor !== undefined && tree !== undefined) problems.push(...await checkRoot(deps, tenant, anchor, tree))
  let scanned = 0
  if (anchor !== undefined) {
    // The window the range's events were ingested in, closed by the checkpoint: later events may not be sealed yet.
    const lower = [range.ingestedFrom, from > 0 ? minIngested : undefined].filter((t): t is string => t !== undefined).sort()[0]
    const window = {
      ...(lower === undefined ? {} : { gte: lower }),
      lte: end <= last && maxIngested !== undefined && maxIngested < anchor.time ? maxIngested : anchor.time
    }
    for await (const page of store.eventPages(tenant, window)) {
      const leaves = await store.leavesByEventId(tenant, page.map(e => e.id))
      problems.push(...insertions(page, leaves))
      omitted += trim(problems)
      scanned += page.length
      if (scanned >= 2 * MAX_VERIFY_RANGE) break
    }
  }

  omitted += keepFirst(problems)
  return {
    ok: problems.length === 0,
    tenant,
    from,
    to: end - 1,
    checked: count,
    expired,
    checkpoint: anchor ?? null,
    insertionsScanned: scanned,
    problems,
    omitted
  }
}

/**
 * Where in the whole log leaves with these hashes sit: a changed event whose content is another leaf's was
 * moved, not edited. Leaf hashes are not indexed (the log is written far more than it is read), so this walks
 * the log; only a verification that found changes does.
 */
async function positionsOf (store: VerifyReads, tenant: string, hashes: ReadonlySet<string>, end: number): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for await (const page of store.leafPages(tenant, 0, end)) {
    for (const leaf of page) if (hashes.has(leaf.leaf) && !out.has(leaf.leaf)) out.set(leaf.leaf, leaf.seq)
  }
  return out
}

/** Completes the tree up to the checkpoint size and compares its root with the signed one. */
async function checkRoot (deps: VerifyDeps, tenant: string, anchor: SignedCheckpoint, tree: Frontier): Promise<Problem[]> {
  const altered = (detail: string): Problem[] => [{ kind: 'leaf_log_altered', size: anchor.size, detail }]
  try {
    const rest = perfectBlocks(tree.size, anchor.size)
    const hashes = await spanHashes(deps.store, tenant, rest.map(b => [nodeStart(b.level, b.index), nodeEnd(b.level, b.index)] as const))
    rest.forEach((b, i) => tree.push(b.level, hashes[i] as Buffer))
  } catch (err) {
    return altered(`the root of size ${anchor.size} cannot be recomputed: ${(err as Error).message}`)
  }
  return tree.root().toString('hex') === anchor.root
    ? []
    : altered(`the stored leaves lead to root ${tree.root().toString('hex')}, not to the signed root ${anchor.root} of size ${anchor.size}`)
}

/** Sorts problems into report order and keeps the first MAX_LISTED; returns how many were dropped. */
function keepFirst (problems: Problem[]): number {
  problems.sort(byPosition)
  const dropped = Math.max(0, problems.length - MAX_LISTED)
  problems.length -= dropped
  return dropped
}

/** Bounds memory on a badly damaged log: past a point, only the first problems are kept, the rest counted. */
const trim = (problems: Problem[]): number => problems.length > 10 * MAX_LISTED ? keepFirst(problems) : 0

const KIND_ORDER: Record<Problem['kind'], number> = { bad_signature: 0, checkpoint_mismatch: 1, leaf_log_altered: 2, modified: 3, deleted: 3, reordered: 3, inserted: 4 }

function byPosition (a: Problem, b: Problem): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.seq ?? -1) - (b.seq ?? -1) || (a.eventId ?? '').localeCompare(b.eventId ?? '')
}
