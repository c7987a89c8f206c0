import { setTimeout as sleep } from 'node:timers/promises'
import type { QueuedEvent } from '../queue/events-queue.ts'
import type { BulkDoc, BulkItemResult } from '../store/bulk.ts'
import type { StoredCopy } from '../store/events/event-copies.ts'
import { eventDocId } from '../store/events/event-doc-id.ts'
import { differingFields, sameEvent } from '../events/same-event.ts'
import { itemOutcome } from './item-outcome.ts'
import type { DocRef, RecentWrites } from './recent-writes.ts'

export interface WriterIo {
  /** One `_bulk` of creates; one result per document, in order. */
  write: (docs: BulkDoc[]) => Promise<BulkItemResult[]>
  /** A stored copy of each event (same tenant and event id, any partition), as of the last refresh. */
  find: (events: QueuedEvent[]) => Promise<Array<StoredCopy | undefined>>
  /** Documents by partition and `_id`, realtime. */
  get: (refs: DocRef[]) => Promise<Array<Record<string, unknown> | undefined>>
}

export interface WriterOptions {
  /** In-process retries of 429/5xx items before the event is reported failed. */
  retries: number
  retryBaseMs: number
}

/** What became of one event: stored now, already stored (the same event, or another one under its id), refused, or not settled yet. */
export type EventOutcome =
  | { kind: 'written' }
  | { kind: 'duplicate', copy: StoredCopy }
  | { kind: 'conflict', copy: StoredCopy, fields: string[] }
  | { kind: 'rejected', status: number, errorType: string, reason: string }
  | { kind: 'failed', error: string }

/**
 * Rounds of a batch by key: round r holds the r-th occurrence of each key, so a key is written once per round
 * and a later occurrence is compared with what the earlier one left stored.
 */
export function repeatRounds (keys: readonly string[]): number[][] {
  const seen = new Map<string, number>()
  const rounds: number[][] = []
  keys.forEach((key, i) => {
    const r = seen.get(key) ?? 0
    seen.set(key, r + 1)
    ;(rounds[r] ??= []).push(i)
  })
  return rounds
}

/**
 * Stores a batch of events once per tenant and event id, whatever their partition: each event is first looked
 * for (this process's recent writes, then one search over every partition); one already stored is compared
 * with it instead of being written. The others are created under `<tenant>/<event id>` in their partition;
 * a 409 there (a copy not yet searchable) is read back in real time and compared the same way.
 */
export class EventWriter {
  /** Keys a round of another flush of this process is settling now, and when it is done. */
  private readonly busy = new Map<string, Promise<void>>()

  constructor (private readonly io: WriterIo, private readonly options: WriterOptions, private readonly recent: RecentWrites) {}

  async settle (events: readonly QueuedEvent[]): Promise<EventOutcome[]> {
    const outcomes: EventOutcome[] = events.map(() => ({ kind: 'failed', error: 'not settled' }))
    const keys = events.map(e => eventDocId(e.tenant, e.id))
    for (const round of repeatRounds(keys)) {
      // Flushes run side by side: a key another one is writing is looked up once that write is known.
      for (let waits = this.waitsFor(keys, round); waits.length > 0; waits = this.waitsFor(keys, round)) await Promise.all(waits)
      let done = (): void => {}
      const settled = new Promise<void>(resolve => { done = resolve })
      for (const i of round) this.busy.set(keys[i] as string, settled)
      try {
        await this.settleRound(events, keys, round, outcomes)
      } finally {
        for (const i of round) if (this.busy.get(keys[i] as string) === settled) this.busy.delete(keys[i] as string)
        done()
      }
    }
    return outcomes
  }

  private waitsFor (keys: readonly string[], round: readonly number[]): Array<Promise<void>> {
    const waits = new Set<Promise<void>>()
    for (const i of round) {
      const wait = this.busy.get(keys[i] as string)
      if (wait !== undefined) waits.add(wait)
    }
    return [...waits]
  }

  private async settleRound (events: readonly QueuedEvent[], keys: readonly string[], round: readonly number[], outcomes: EventOutcome[]): Promise<void> {
    let copies: Array<StoredCopy | undefined>
    try {
      copies = await this.lookup(events, keys, round)
    } catch (err) {
      for (const i of round) outcomes[i] = { kind: 'failed', error: `stored copies could not be looked up: ${(err as Error).message}` }
      return
    }
    const fresh: number[] = []
    round.forEach((i, k) => {
      const copy = copies[k]
      if (copy === undefined) fresh.push(i)
      else outcomes[i] = this.compare(events[i] as QueuedEvent, keys[i] as string, copy)
    })
    await this.create(events, keys, fresh, outcomes)
  }

  private async lookup (events: readonly QueuedEvent[], keys: readonly string[], round: readonly number[]): Promise<Array<StoredCopy | undefined>> {
    const out: Array<StoredCopy | undefined> = round.map(() => undefined)
    const known = round.flatMap((i, k) => {
      const ref = this.recent.get(keys[i] as string)
      return ref === undefined ? [] : [{ k, ref }]
    })
    if (known.length > 0) {
      const docs = await this.io.get(known.map(r => r.ref))
      known.forEach(({ k, ref }, j) => {
        const source = docs[j]
        if (source !== undefined) out[k] = { ...ref, source }
        else this.recent.delete(keys[round[k] as number] as string)
      })
    }
    const rest = round.flatMap((_, k) => out[k] === undefined ? [k] : [])
    if (rest.length > 0) {
      const found = await this.io.find(rest.map(k => events[round[k] as number] as QueuedEvent))
      rest.forEach((k, j) => { out[k] = found[j] })
    }
    return out
  }

  private compare (event: QueuedEvent, key: string, copy: StoredCopy): EventOutcome {
    this.recent.add(key, { index: copy.index, id: copy.id })
    const queued = JSON.parse(event.json) as unknown
    return sameEvent(queued, copy.source) ? { kind: 'duplicate', copy } : { kind: 'conflict', copy, fields: differingFields(copy.source, queued) }
  }

  /** Creates the events, retrying 429/5xx items; items that stay failing are reported `failed`. */
  private async create (events: readonly QueuedEvent[], keys: readonly string[], fresh: readonly number[], outcomes: EventOutcome[]): Promise<void> {
    let remaining = [...fresh]
    let lastError = ''
    for (let attempt = 0; remaining.length > 0 && attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await sleep(this.options.retryBaseMs * 4 ** (attempt - 1))
      let items: BulkItemResult[]
      try {
        items = await this.io.write(remaining.map(i => ({ index: (events[i] as QueuedEvent).index, id: keys[i] as string, doc: (events[i] as QueuedEvent).json })))
      } catch (err) {
        lastError = (err as Error).message
        continue
      }
      const retry: number[] = []
      const exists: number[] = []
      items.forEach((item, k) => {
        const i = remaining[k] as number
        switch (itemOutcome(item)) {
          case 'written':
            outcomes[i] = { kind: 'written' }
            this.recent.add(keys[i] as string, { index: (events[i] as QueuedEvent).index, id: keys[i] as string })
            break
          case 'exists': exists.push(i); break
          case 'retry': retry.push(i); lastError = `${item.status} ${item.errorType ?? ''}`; break
          case 'reject': outcomes[i] = { kind: 'rejected', status: item.status, errorType: item.errorType ?? 'unknown', reason: item.reason ?? '' }
        }
      })
      if (exists.length > 0) {
        try {
          const refs = exists.map(i => ({ index: (events[i] as QueuedEvent).index, id: keys[i] as string }))
          const docs = await this.io.get(refs)
          exists.forEach((i, k) => {
            const source = docs[k]
            if (source !== undefined) outcomes[i] = this.compare(events[i] as QueuedEvent, keys[i] as string, { ...(refs[k] as DocRef), source })
            else { retry.push(i); lastError = '409 but the stored document is gone' }
          })
        } catch (err) {
          retry.push(...exists)
          lastError = `stored documents could not be read: ${(err as Error).message}`
        }
      }
      remaining = retry
    }
    for (const i of remaining) outcomes[i] = { kind: 'failed', error: lastError }
  }
}
