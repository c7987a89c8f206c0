import type { QueuedEvent } from '../queue/events-queue.ts'
import type { EntitiesStore } from '../store/events/entities-store.ts'
import type { EventOutcome } from './event-writer.ts'
import { fromStored } from '../entities/entity-event.ts'
import { addEvent, applyContributions, contributionOf, entityKeys, mergeStates, type Contribution } from '../entities/merge.ts'
import { emptyState, entityId, type EntityState } from '../entities/model.ts'
import { updateEntities, type Change } from '../entities/entity-writes.ts'
import { StateCache } from '../entities/state-cache.ts'

export interface EntityUpdaterOptions {
  /** How long an event's place in a user's ledger is kept (from its `event.ingested`): longer than job retries last. */
  graceMs: number
  now?: () => number
  /**
   * Characters of documents whose last written states this process keeps (default 4 million: the busy entities,
   * in 10-20 MB of the worker's heap; 8 million held 20 MB under a steady 300 events/s).
   */
  cacheSize?: number
}

interface Delta { state: EntityState, contributions: Contribution[] }

/** Three days: events are retried for about 50 minutes, and failed jobs are kept to be replayed by hand. */
export const DEFAULT_GRACE_MS = 3 * 86_400_000

/**
 * Keeps the entity store in step with the events of a bulk once they are stored: the batch is folded into one
 * change per entity, merged into the stored documents and written back in one `_bulk` with optimistic
 * concurrency. Events just created and events already stored both count (a job retried after a crash brings
 * back as duplicates events whose entities may not have been updated); the merge makes that harmless.
 */
export class EntityUpdater {
  private readonly now: () => number
  /** Changes gathered while a round is being written, and the callers waiting for them. */
  private pending = new Map<string, Change<Delta>>()
  private waiting: Array<{ resolve: () => void, reject: (e: Error) => void }> = []
  private running = false
  private readonly cache: StateCache

  constructor (private readonly store: EntitiesStore, private readonly options: EntityUpdaterOptions) {
    this.now = options.now ?? Date.now
    this.cache = new StateCache(options.cacheSize ?? 4_000_000)
  }

  /**
   * Resolves once the entities of these events are written. Bulks stored side by side are gathered into one
   * round (group commit): a round at a time per process, so its flushes never conflict with each other, and an
   * entity many flushes touch (a busy address) is read and written once per round rather than once per flush.
   */
  async apply (events: readonly QueuedEvent[], outcomes: readonly EventOutcome[]): Promise<void> {
    let added = false
    events.forEach((q, i) => {
      const o = outcomes[i]
      // A conflict's stored event belongs to another job; refused and failed events are not stored.
      if (o?.kind !== 'written' && o?.kind !== 'duplicate') return
      const e = fromStored(o.kind === 'written' ? JSON.parse(q.json) : o.copy.source)
      if (e === undefined) return
      for (const [kind, key] of entityKeys(e)) {
        const id = entityId(e.tenant, kind, key)
        let change = this.pending.get(id)
        if (change === undefined) {
          change = { id, like: { tenant: e.tenant, kind, key }, delta: { state: emptyState(e.tenant, kind, key), contributions: [] } }
          this.pending.set(id, change)
        }
        addEvent(change.delta.state, e)
        if (kind === 'user') change.delta.contributions.push(contributionOf(e, o.kind === 'written'))
        added = true
      }
    })
    if (!added) return
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject })
      if (!this.running) void this.run()
    })
  }

  private async run (): Promise<void> {
    this.running = true
    while (this.waiting.length > 0) {
      const changes = [...this.pending.values()]
      const waiting = this.waiting
      this.pending = new Map()
      this.waiting = []
      const now = this.now()
      try {
        await updateEntities(this.store, changes, (current, d) => {
          mergeStates(current, d.state)
          if (current.kind === 'user') applyContributions(current, d.contributions, now, this.options.graceMs)
          return current
        }, this.cache)
        for (const w of waiting) w.resolve()
      } catch (err) {
        for (const w of waiting) w.reject(err as Error)
      }
    }
    this.running = false
  }
}
