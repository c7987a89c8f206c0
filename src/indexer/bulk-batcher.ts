import { setTimeout as sleep } from 'node:timers/promises'
import type { QueuedEvent } from '../queue/events-queue.ts'
import type { BulkDoc, BulkItemResult } from '../store/bulk.ts'
import { itemOutcome } from './item-outcome.ts'

export interface DeadLetter { event: QueuedEvent, status: number, errorType: string, reason: string }

export interface BatcherIo {
  write: (docs: BulkDoc[]) => Promise<BulkItemResult[]>
  deadLetter: (letters: DeadLetter[]) => Promise<void>
}

export interface BatcherOptions {
  maxDocs: number
  flushMs: number
  /** In-process retries of 429/5xx items before the whole job is handed back to the queue. */
  retries: number
  retryBaseMs: number
}

export interface SubmitResult { written: number, duplicates: number, deadLettered: number }

interface Pending { events: QueuedEvent[], resolve: (r: SubmitResult) => void, reject: (e: Error) => void }

/**
 * Gathers the events of concurrent queue jobs into shared `_bulk` requests. A job's promise settles once
 * each of its events is stored, known as a duplicate, or dead-lettered; it rejects if any is still failing,
 * so the queue retries the job (already stored events then come back as harmless duplicates).
 */
export class BulkBatcher {
  private pending: Pending[] = []
  private pendingDocs = 0
  private timer: NodeJS.Timeout | undefined
  private readonly inFlight = new Set<Promise<void>>()

  constructor (private readonly io: BatcherIo, private readonly options: BatcherOptions) {}

  submit (events: QueuedEvent[]): Promise<SubmitResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, resolve, reject })
      this.pendingDocs += events.length
      if (this.pendingDocs >= this.options.maxDocs) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs)
    })
  }

  /** Sends what is gathered now; resolves when every flush started so far has settled. */
  async drain (): Promise<void> {
    this.flush()
    await Promise.allSettled([...this.inFlight])
  }

  private flush (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.pendingDocs = 0
    const run = this.write(batch).finally(() => this.inFlight.delete(run))
    this.inFlight.add(run)
  }

  private async write (batch: Pending[]): Promise<void> {
    const owners: number[] = []
    const events: QueuedEvent[] = []
    batch.forEach((p, owner) => {
      for (const event of p.events) {
        owners.push(owner)
        events.push(event)
      }
    })
    const docs: BulkDoc[] = events.map(e => ({ index: e.index, id: e.id, doc: e.json }))
    const results = batch.map<SubmitResult>(() => ({ written: 0, duplicates: 0, deadLettered: 0 }))
    const letters: DeadLetter[] = []
    const letterOwners: number[] = []
    const failedOwners = new Set<number>()
    let remaining = docs.map((_, i) => i)
    let lastError = ''

    for (let attempt = 0; remaining.length > 0 && attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(this.options.retryBaseMs * 4 ** (attempt - 1))
      let items: BulkItemResult[]
      try {
        items = await this.io.write(remaining.map(i => docs[i] as BulkDoc))
      } catch (err) {
        lastError = (err as Error).message
        continue
      }
      const retry: number[] = []
      items.forEach((item, k) => {
        const i = remaining[k] as number
        const owner = owners[i] as number
        const result = results[owner] as SubmitResult
        switch (itemOutcome(item)) {
          case 'written': result.written++; break
          case 'duplicate': result.duplicates++; break
          case 'retry': retry.push(i); lastError = `${item.status} ${item.errorType ?? ''}`; break
          case 'reject': {
            letters.push({ event: events[i] as QueuedEvent, status: item.status, errorType: item.errorType ?? 'unknown', reason: item.reason ?? '' })
            letterOwners.push(owner)
            result.deadLettered++
          }
        }
      })
      remaining = retry
    }
    for (const i of remaining) failedOwners.add(owners[i] as number)

    if (letters.length > 0) {
      try {
        await this.io.deadLetter(letters)
      } catch (err) {
        // Without its dead letter a refused event would be lost: hand the jobs back to the queue instead.
        for (const owner of letterOwners) failedOwners.add(owner)
        lastError = `dead-letter write failed: ${(err as Error).message}`
      }
    }
    batch.forEach((p, owner) => {
      if (failedOwners.has(owner)) p.reject(new Error(`events not stored yet, will retry: ${lastError}`))
      else p.resolve(results[owner] as SubmitResult)
    })
  }
}
