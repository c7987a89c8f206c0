import type { QueuedEvent } from '../queue/events-queue.ts'
import { BulkBatcher, type BatcherIo, type BatcherOptions, type SubmitResult } from './bulk-batcher.ts'
import type { EventOutcome } from './event-writer.ts'
import { eventLeaf, queuedEntry, tenantOf } from '../integrity/leaf.ts'
import type { SealEntry } from '../integrity/types.ts'

export interface SealHook {
  /** Hands entries to the sealer; resolves once the queue holds them. */
  enqueue: (entries: SealEntry[]) => Promise<void>
}

/**
 * A bulk batcher that also hands each job's stored events to the sealer before the job may complete, so a
 * worker that dies in between has its job retried, and the retry (all duplicates by then) enqueues them.
 * Events written now are sealed with the hash of the queued JSON (what Elasticsearch keeps as the source); they
 * cannot be in any log yet. An event already stored (the same event, or another one under its id) is sealed as
 * stored, in the partition it is stored in, and marked to be looked up in the log (it may be sealed already).
 */
export class SealingBatcher extends BulkBatcher {
  constructor (io: BatcherIo, options: BatcherOptions, private readonly hook: SealHook) {
    super(io, options)
  }

  override async submit (events: QueuedEvent[]): Promise<SubmitResult> {
    // Hashed after the write, so storing events never depends on sealing them.
    const { result, outcomes } = await this.settle(events)
    const entries = events.flatMap((e, i) => entryOf(e, outcomes[i] as EventOutcome))
    if (entries.length > 0) await this.hook.enqueue(entries)
    return result
  }
}

function entryOf (event: QueuedEvent, outcome: EventOutcome): SealEntry[] {
  if (outcome.kind === 'written') return [queuedEntry(event)]
  if (outcome.kind !== 'duplicate' && outcome.kind !== 'conflict') return []
  const { index, source } = outcome.copy
  return [{ tenant: tenantOf(source), id: event.id, index, leaf: eventLeaf(source).toString('hex'), recheck: true }]
}
