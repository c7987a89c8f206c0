import type { EntityState } from './model.ts'

export interface Version { seqNo: number, primaryTerm: number }

/** A state this process wrote, its version, and the length of the document it was written as. */
export interface Cached { state: EntityState, version: Version, size: number }

/**
 * The states of busy entities this process wrote last, with their versions, so that they are not read back
 * before each write (a state another process changed meanwhile fails its write, 409, and is read again).
 *
 * A state is kept from its entity's second write among the last `window` writes: most users come back minutes
 * later, by when their state would have been dropped, and keeping it meanwhile only moved it to V8's old
 * generation (5,000 such states cost the worker 45 MB of RSS under a steady 300 events/s, for no fewer reads).
 * Busy addresses and users are written round after round and stay. The cache is bounded by the length of the
 * documents, not their number: a user's state grows with its events of the grace period (its ledger, up to
 * LEDGER_CAP of them) and takes 2.5 to 4.5 times its document's length in memory.
 */
export class StateCache {
  private readonly items = new Map<string, Cached>()
  /** Ids of the entities written last, least recent first. */
  private readonly seen = new Set<string>()
  private size = 0

  /** `maxSize`: characters of documents kept, in all; `window`: how many writes back a second write counts. */
  constructor (private readonly maxSize: number, private readonly window = 10_000) {}

  /** Removes and returns an entry: while a write is in flight, nothing else uses it. */
  take (id: string): Cached | undefined {
    const hit = this.items.get(id)
    if (hit === undefined) return undefined
    this.items.delete(id)
    this.size -= hit.size
    this.note(id)
    return hit
  }

  /** Records a write; keeps the state, as the most recent, if its entity is busy. The least recently written go first. */
  put (id: string, entry: Cached): void {
    this.take(id)
    const busy = this.seen.has(id)
    this.note(id)
    if (!busy || entry.size > this.maxSize) return
    this.items.set(id, entry)
    this.size += entry.size
    for (const [oldest, cached] of this.items) {
      if (this.size <= this.maxSize) break
      this.items.delete(oldest)
      this.size -= cached.size
    }
  }

  /** Entries and characters kept. */
  get stats (): { entries: number, size: number } {
    return { entries: this.items.size, size: this.size }
  }

  private note (id: string): void {
    this.seen.delete(id)
    this.seen.add(id)
    if (this.seen.size > this.window) this.seen.delete(this.seen.values().next().value as string)
  }
}
