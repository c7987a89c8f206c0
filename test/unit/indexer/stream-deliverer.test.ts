import t from 'tap'
import { deliverStream, type DelivererIo } from '../../../src/indexer/stream-deliverer.ts'
import { FRESH_POSITION, type StoredPosition } from '../../../src/streams/schema.ts'
import type { VersionedStream } from '../../../src/store/system/streams-store.ts'
import type { StreamEvent } from '../../../src/store/events/stream-events.ts'

const STREAM: VersionedStream = { id: 's1', version: '1.1', doc: { name: 's', tenant: 'a', destination: { type: 'http', url: 'https://x' }, batchSize: 3, enabled: true, createdAt: '', updatedAt: '', createdBy: 'k' } }
const EVENTS: StreamEvent[] = Array.from({ length: 8 }, (_, i) => ({ source: { event: { id: `e-${i}` } }, sort: [1000 + i, `e-${i}`] }))

/** A scripted store and receiver: events below `before`, a receiver that fails while `down`. */
function io (options: { down?: boolean, held?: boolean, movedAfterSaves?: number } = {}): DelivererIo & { received: string[], saved: StoredPosition[], down: boolean } {
  const state = { position: FRESH_POSITION, received: [] as string[], saved: [] as StoredPosition[], down: options.down ?? false, now: 50_000 }
  return {
    get received () { return state.received },
    get saved () { return state.saved },
    get down () { return state.down },
    set down (v: boolean) { state.down = v },
    page: async (_s, after, before, size) => EVENTS.filter(e => (after === null || e.sort[0] > after[0] || (e.sort[0] === after[0] && e.sort[1] > after[1])) && e.sort[0] < before).slice(0, size),
    send: async (_d, events) => {
      if (state.down) throw new Error('connect ECONNREFUSED')
      state.received.push(...events.map(e => (e.event as { id: string }).id))
    },
    position: async () => state.position,
    // After `movedAfterSaves` saves, an administrator moves the position: the next save finds it changed.
    save: async (_id, p) => {
      if (options.movedAfterSaves !== undefined && state.saved.length >= options.movedAfterSaves) return false
      state.position = p
      state.saved.push(p)
      return true
    },
    stillHeld: async () => options.held ?? true,
    now: () => state.now
  }
}

t.test('delivers in batches up to the horizon, and resumes after the last event delivered', async t => {
  const x = io()
  const first = await deliverStream(STREAM, 1006, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.equal(first.delivered, 6)
  t.same(x.received, ['e-0', 'e-1', 'e-2', 'e-3', 'e-4', 'e-5'])
  t.same(first.position.after, [1005, 'e-5'])
  const next = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.equal(next.delivered, 2)
  t.same(x.received.slice(6), ['e-6', 'e-7'])
  t.equal(next.position.behindSince, null, 'caught up')
})

t.test('a receiver that is down: the position stays, the next attempt waits, nothing is skipped', async t => {
  const x = io()
  await deliverStream(STREAM, 1003, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  x.down = true
  const failed = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.ok(failed.failed)
  t.same(failed.position.after, [1002, 'e-2'])
  t.equal(failed.position.behindSince, 1003, 'lag counts from the first undelivered event')
  t.equal(failed.position.nextAttemptAt, 51_000)
  const early = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.equal(early.delivered, 0, 'no attempt before the back-off ends')
  x.down = false
  ;(x as unknown as { now: () => number }).now = () => 52_000
  const back = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.equal(back.delivered, 5)
  t.same(x.received, EVENTS.map(e => e.source.event).map(e => (e as { id: string }).id), 'every event, once, in order')
  t.equal(back.position.consecutiveFailures, 0)
})

t.test('a worker that lost the stream saves nothing', async t => {
  const x = io({ held: false })
  const r = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.equal(r.delivered, 0)
  t.same(x.saved, [])
})

t.test('a position moved while a delivery runs is not overwritten: the delivery stops at the next save', async t => {
  const x = io({ movedAfterSaves: 1 })
  const r = await deliverStream(STREAM, 2000, x, { maxBatches: 20, maxBackoffMs: 60_000 })
  t.same(x.saved.map(p => p.after), [[1002, 'e-2']], 'one batch saved, then the save that found the position moved did not write')
  t.same(x.received, ['e-0', 'e-1', 'e-2', 'e-3', 'e-4', 'e-5'], 'the batch sent meanwhile was sent (at least once), nothing after it')
  t.equal(r.delivered, 6)
})
