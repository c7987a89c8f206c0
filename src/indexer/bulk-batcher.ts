import type { QueuedEvent } from '../queue/events-queue.ts'
import type { StoredCopy } from '../store/events/event-copies.ts'
import type { DeadLetter } from '../store/system/dead-letters.ts'
import { EventWriter, type EventOutcome, type WriterIo } from './event-writer.ts'
import { RecentWrites } from './recent-writes.ts'

export interface BatcherIo extends WriterIo {
  /** Stores the letters; resolves to those pending because of it (not the ones a retried job met again). */
  deadLetter: (letters: DeadLetter[]) => Promise<DeadLetter[]>
  /** Brings the entity store in step with a bulk's stored events (src/indexer/entity-updater.ts); absent when it is off. */
  entities?: (events: QueuedEvent[], outcomes: EventOutcome[]) => Promise<void>
}

export interface BatcherOptions {
  maxDocs: number
  flushMs: number
  /** In-process retries of 429/5xx items before the whole job is handed back to the queue. */
  retries: number
  retryBaseMs: number
  /** How long this process remembers where it stored an event (longer than the partitions' refresh interval). */
  recentMs?: number
}

export interface SubmitResult { written: number, duplicates: number, deadLettered: number }

/** A job's result, and what became of each of its events. */
export interface Settled { result: SubmitResult, outcomes: EventOutcome[] }

interface Pending { events: QueuedEvent[], resolve: (r: Settled) => void, reject: (e: Error) => void }

/** The refresh interval of event partitions is 1 s (mappings/events-settings.json). */
const RECENT_MS = 2000

/** The dead letter of an event whose id is already stored with other content. */
export function conflictLetter (event: QueuedEvent, copy: StoredCopy, fields: readonly string[]): DeadLetter {
  const what = fields.length === 0 ? '' : `differs in ${fields.join(', ')}; `
  return { event, status: 409, errorType: 'id_conflict', reason: `event id "${event.id}" is already stored with different content (${what}stored in ${copy.index})`, stored: copy }
}

/**
 * Gathers the events of concurrent queue jobs into shared `_bulk` requests (see EventWriter). A job's promise
 * settles once each of its events is stored, known as already stored, or dead-lettered (refused, or its id
 * already stored with other content); it rejects if any is still failing, so the queue retries the job
 * (events already stored then come back as duplicates).
 */
export class BulkBatcher {
  private pending: Pending[] = []
  private pendingDocs = 0
  private timer: NodeJS.Timeout | undefined
  private readonly inFlight = new Set<Promise<void>>()
  private readonly writer: EventWriter

  constructor (private readonly io: BatcherIo, private readonly options: BatcherOptions) {
    this.writer = new EventWriter(io, options, new RecentWrites(options.recentMs ?? RECENT_MS))
  }

  async submit (events: QueuedEvent[]): Promise<SubmitResult> {
    return (await this.settle(events)).result
  }

  /** Sends what is gathered now; resolves when every flush started so far has settled. */
  async drain (): Promise<void> {
    this.flush()
    await Promise.allSettled([...this.inFlight])
  }

  protected settle (events: QueuedEvent[]): Promise<Settled> {
    return new Promise((resolve, reject) => {
      this.pending.push({ events, resolve, reject })
      this.pendingDocs += events.length
      if (this.pendingDocs >= this.options.maxDocs) this.flush()
      else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs)
    })
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
    const events = batch.flatMap(p => p.events)
    let outcomes: EventOutcome[]
    try {
      outcomes = await this.writer.settle(events)
    } catch (err) {
      for (const p of batch) p.reject(new Error(`events not stored yet, will retry: ${(err as Error).message}`))
      return
    }
    const letters: DeadLetter[] = []
    outcomes.forEach((o, i) => {
      const event = events[i] as QueuedEvent
      if (o.kind === 'rejected') letters.push({ event, status: o.status, errorType: o.errorType, reason: o.reason })
      else if (o.kind === 'conflict') letters.push(conflictLetter(event, o.copy, o.fields))
    })
    let letterError: string | undefined
    if (letters.length > 0) {
      try {
        await this.io.deadLetter(letters)
      } catch (err) {
        // Without its dead letter a refused event would be lost: hand the jobs back to the queue instead.
        letterError = `dead-letter write failed: ${(err as Error).message}`
      }
    }
    let entityError: string | undefined
    if (this.io.entities !== undefined) {
      try {
        await this.io.entities(events, outcomes)
      } catch (err) {
        // The events are stored; the retried jobs bring them back as duplicates, and the merge applies them once.
        entityError = `entity store not updated: ${(err as Error).message}`
      }
    }
    let at = 0
    for (const p of batch) {
      const own = outcomes.slice(at, at += p.events.length)
      const failed = own.find(o => o.kind === 'failed')
      const lettered = own.filter(o => o.kind === 'rejected' || o.kind === 'conflict').length
      if (failed !== undefined) p.reject(new Error(`events not stored yet, will retry: ${failed.error}`))
      else if (lettered > 0 && letterError !== undefined) p.reject(new Error(`events not stored yet, will retry: ${letterError}`))
      else if (entityError !== undefined && lettered < own.length) p.reject(new Error(`events stored, will retry: ${entityError}`))
      else p.resolve({ result: tally(own), outcomes: own })
    }
  }
}

function tally (outcomes: readonly EventOutcome[]): SubmitResult {
  const result: SubmitResult = { written: 0, duplicates: 0, deadLettered: 0 }
  for (const o of outcomes) {
    if (o.kind === 'written') result.written++
    else if (o.kind === 'duplicate') result.duplicates++
    else if (o.kind === 'rejected' || o.kind === 'conflict') result.deadLettered++
  }
  return result
}
