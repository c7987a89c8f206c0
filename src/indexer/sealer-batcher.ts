import type { QueuedEvent } from '../queue/events-queue.ts'
import { BulkBatcher, type BatcherIo, type BatcherOptions, type SubmitResult } from './bulk-batcher.ts'
import { eventLeaf, queuedEntry, tenantOf } from '../integrity/leaf.ts'
import type { SealEntry } from '../integrity/types.ts'

export interface SealHook {
  /** Stored documents by partition and id (undefined where none is stored). */
  stored: (refs: ReadonlyArray<{ index: string, id: string }>) => Promise<Array<Record<string, unknown> | undefined>>
  /** Hands entries to the sealer; resolves once the queue holds them. */
  enqueue: (entries: SealEntry[]) => Promise<void>
}

/**
 * A bulk batcher that also hands each job's stored events to the sealer before the job may complete, so a
 * worker that dies in between has its job retried, and the retry (all duplicates by then) enqueues them.
 * Events written now are sealed with the hash of the queued JSON (what Elasticsearch keeps as the source).
 * When some came back as duplicates or were dead-lettered, what is stored may differ (an earlier event with
 * the same id, or nothing): the job's leaves are then taken from the stored documents, and marked to be
 * looked up in the log (a duplicate may have been sealed already). Events created now cannot have been.
 */
export class SealingBatcher extends BulkBatcher {
  constructor (io: BatcherIo, options: BatcherOptions, private readonly hook: SealHook) {
    super(io, options)
  }

  override async submit (events: QueuedEvent[]): Promise<SubmitResult> {
    // Hashed after the write, so storing events never depends on sealing them.
    const result = await super.submit(events)
    const entries = result.duplicates === 0 && result.deadLettered === 0
      ? events.map(queuedEntry)
      : await this.storedEntries(events)
    if (entries.length > 0) await this.hook.enqueue(entries)
    return result
  }

  private async storedEntries (events: QueuedEvent[]): Promise<SealEntry[]> {
    const docs = await this.hook.stored(events)
    const entries: SealEntry[] = []
    events.forEach((e, i) => {
      const doc = docs[i]
      if (doc !== undefined) entries.push({ tenant: tenantOf(doc), id: e.id, index: e.index, leaf: eventLeaf(doc).toString('hex'), recheck: true })
    })
    return entries
  }
}
