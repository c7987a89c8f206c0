import type { QueuedEvent } from '../queue/events-queue.ts'
import type { EntitiesStore } from '../store/entities-store.ts'
import type { EventOutcome } from './event-writer.ts'
import { fromStored } from '../entities/entity-event.ts'
import { addEvent, applyContributions, contributionOf, entityKeys, mergeStates, type Contribution } from '../entities/merge.ts'
import { emptyState, entityId, type EntityState } from '../entities/model.ts'
import { updateEntities, type Change } from '../entities/entity-writes.ts'

export interface EntityUpdaterOptions {
  /** How long an event's place in a user's ledger is kept (from its `event.ingested`): longer than job retries last. */
  graceMs: number
  now?: () => number
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

  constructor (private readonly store: EntitiesStore, private readonly options: EntityUpdaterOptions) {
    this.now = options.now ?? Date.now
  }

  async apply (events: readonly QueuedEvent[], outcomes: readonly EventOutcome[]): Promise<void> {
    const deltas = new Map<string, Change<Delta>>()
    events.forEach((q, i) => {
      const o = outcomes[i]
      // A conflict's stored event belongs to another job; refused and failed events are not stored.
      if (o?.kind !== 'written' && o?.kind !== 'duplicate') return
      const e = fromStored(o.kind === 'written' ? JSON.parse(q.json) : o.copy.source)
      if (e === undefined) return
      for (const [kind, key] of entityKeys(e)) {
        const id = entityId(e.tenant, kind, key)
        let change = deltas.get(id)
        if (change === undefined) {
          change = { id, like: { tenant: e.tenant, kind, key }, delta: { state: emptyState(e.tenant, kind, key), contributions: [] } }
          deltas.set(id, change)
        }
        addEvent(change.delta.state, e)
        if (kind === 'user') change.delta.contributions.push(contributionOf(e, o.kind === 'written'))
      }
    })
    if (deltas.size === 0) return
    const now = this.now()
    await updateEntities(this.store, [...deltas.values()], (current, d) => {
      mergeStates(current, d.state)
      if (current.kind === 'user') applyContributions(current, d.contributions, now, this.options.graceMs)
      return current
    })
  }
}
