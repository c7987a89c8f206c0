import type { StreamEvent } from '../store/events/stream-events.ts'
import type { VersionedStream } from '../store/system/streams-store.ts'
import type { SendBatch } from '../streams/senders.ts'
import { caughtUp, delivered, failed } from '../streams/delivery-state.ts'
import type { StoredPosition } from '../streams/schema.ts'

export interface DelivererIo {
  page: (stream: VersionedStream, after: [number, string] | null, before: number, size: number) => Promise<StreamEvent[]>
  send: SendBatch
  position: (id: string) => Promise<StoredPosition>
  /** False when the position was moved meanwhile (an administrator's `POST …/position`): this delivery stops there. */
  save: (id: string, position: StoredPosition) => Promise<boolean>
  /** Whether this process still holds the stream: a holder that lost it saves nothing (the new one goes on). */
  stillHeld: () => Promise<boolean>
  now: () => number
}

export interface DeliveryOutcome { delivered: number, failed: boolean, position: StoredPosition }

/**
 * Delivers a stream's next batches up to the horizon: each batch is sent whole, then the position moves past
 * its last event. A failed send leaves the position where it was and sets the next attempt (back-off), so
 * nothing is skipped while the receiver is down, and a batch may arrive twice (at-least-once).
 */
export async function deliverStream (stream: VersionedStream, before: number, io: DelivererIo, options: { maxBatches: number, maxBackoffMs: number }): Promise<DeliveryOutcome> {
  let position = await io.position(stream.id)
  let count = 0
  if (position.nextAttemptAt !== null && position.nextAttemptAt > io.now()) return { delivered: 0, failed: false, position }
  const size = stream.doc.batchSize
  for (let batch = 0; batch < options.maxBatches; batch++) {
    let events: StreamEvent[] = []
    try {
      events = await io.page(stream, position.after, before, size)
      if (events.length === 0) {
        if (position.behindSince !== null || position.consecutiveFailures > 0) {
          position = { ...caughtUp(position), consecutiveFailures: 0, failingSince: null, nextAttemptAt: null }
          if (!await io.save(stream.id, position)) return { delivered: count, failed: false, position }
        }
        break
      }
      await io.send(stream.doc.destination, events.map(e => e.source), { streamId: stream.id })
    } catch (err) {
      position = failed(position, events[0]?.sort[0] ?? position.behindSince ?? io.now(), (err as Error).message, io.now(), options.maxBackoffMs)
      if (await io.stillHeld()) await io.save(stream.id, position)
      return { delivered: count, failed: true, position }
    }
    if (!(await io.stillHeld())) return { delivered: count, failed: false, position }
    const last = events[events.length - 1] as StreamEvent
    position = delivered(position, last.sort, events.length, events.length === size, io.now())
    if (!await io.save(stream.id, position)) return { delivered: count + events.length, failed: false, position }
    count += events.length
    if (events.length < size) break
  }
  return { delivered: count, failed: false, position }
}
