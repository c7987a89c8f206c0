import t from 'tap'
import { BulkBatcher, type BatcherIo, type DeadLetter } from '../../../src/indexer/bulk-batcher.ts'
import { itemOutcome } from '../../../src/indexer/item-outcome.ts'
import type { BulkDoc, BulkItemResult } from '../../../src/store/bulk.ts'
import type { QueuedEvent } from '../../../src/queue/events-queue.ts'

const ev = (id: string): QueuedEvent => ({ id, index: 'idx', tenant: 't', json: JSON.stringify({ event: { id } }) })

/** A scripted store: answers each write with statuses chosen per id and attempt. */
function fakeIo (status: (id: string, attempt: number) => number, deadLetterFails = false) {
  const attempts = new Map<string, number>()
  const writes: string[][] = []
  const letters: DeadLetter[] = []
  const io: BatcherIo = {
    write: async (docs: BulkDoc[]): Promise<BulkItemResult[]> => {
      writes.push(docs.map(d => d.id))
      return docs.map(d => {
        const n = (attempts.get(d.id) ?? 0) + 1
        attempts.set(d.id, n)
        const s = status(d.id, n)
        return s < 300 || s === 409 ? { status: s } : { status: s, errorType: s === 400 ? 'document_parsing_exception' : 'es_rejected_execution_exception', reason: 'r' }
      })
    },
    deadLetter: async (l: DeadLetter[]) => { if (deadLetterFails) throw new Error('down'); letters.push(...l) }
  }
  return { io, writes, letters }
}

const opts = { maxDocs: 4, flushMs: 5, retries: 2, retryBaseMs: 1 }

t.test('bulk item outcomes', async t => {
  t.equal(itemOutcome({ status: 201 }), 'written')
  t.equal(itemOutcome({ status: 409 }), 'duplicate')
  t.equal(itemOutcome({ status: 429 }), 'retry')
  t.equal(itemOutcome({ status: 503 }), 'retry')
  t.equal(itemOutcome({ status: 400 }), 'reject')
})

t.test('concurrent jobs share one bulk; duplicates count as stored', async t => {
  const { io, writes } = fakeIo(id => id === 'b' ? 409 : 201)
  const b = new BulkBatcher(io, opts)
  const [r1, r2] = await Promise.all([b.submit([ev('a'), ev('b')]), b.submit([ev('c')])])
  t.same(writes, [['a', 'b', 'c']])
  t.same(r1, { written: 1, duplicates: 1, deadLettered: 0 })
  t.same(r2, { written: 1, duplicates: 0, deadLettered: 0 })
})

t.test('reaching maxDocs flushes at once', async t => {
  const { io, writes } = fakeIo(() => 201)
  const b = new BulkBatcher({ ...io }, { ...opts, flushMs: 10_000 })
  await Promise.all([b.submit([ev('a'), ev('b')]), b.submit([ev('c'), ev('d')])])
  t.same(writes, [['a', 'b', 'c', 'd']])
})

t.test('429 items are retried alone until stored', async t => {
  const { io, writes } = fakeIo((id, n) => id === 'b' && n < 3 ? 429 : 201)
  const r = await new BulkBatcher(io, opts).submit([ev('a'), ev('b')])
  t.same(writes, [['a', 'b'], ['b'], ['b']])
  t.same(r, { written: 2, duplicates: 0, deadLettered: 0 })
})

t.test('items still failing after the retries fail their job only', async t => {
  const { io } = fakeIo(id => id === 'x' ? 503 : 201)
  const b = new BulkBatcher(io, opts)
  const [bad, good] = await Promise.allSettled([b.submit([ev('x'), ev('y')]), b.submit([ev('z')])])
  t.equal(bad.status, 'rejected')
  t.match((bad as PromiseRejectedResult).reason.message, /will retry: 503/)
  t.same(good, { status: 'fulfilled', value: { written: 1, duplicates: 0, deadLettered: 0 } })
})

t.test('a failing bulk request is retried as a whole', async t => {
  let calls = 0
  const io: BatcherIo = {
    write: async docs => { if (++calls === 1) throw new Error('socket hang up'); return docs.map(() => ({ status: 201 })) },
    deadLetter: async () => {}
  }
  t.same(await new BulkBatcher(io, opts).submit([ev('a')]), { written: 1, duplicates: 0, deadLettered: 0 })
  t.equal(calls, 2)
})

t.test('refused documents are dead-lettered with the reason', async t => {
  const { io, letters } = fakeIo(id => id === 'bad' ? 400 : 201)
  const r = await new BulkBatcher(io, opts).submit([ev('ok'), ev('bad')])
  t.same(r, { written: 1, duplicates: 0, deadLettered: 1 })
  t.equal(letters.length, 1)
  t.match(letters[0], { status: 400, errorType: 'document_parsing_exception', event: { id: 'bad', index: 'idx' } })
})

t.test('if the dead letter cannot be written, the job fails rather than lose the event', async t => {
  const { io } = fakeIo(id => id === 'bad' ? 400 : 201, true)
  await t.rejects(new BulkBatcher(io, opts).submit([ev('bad')]), /dead-letter write failed/)
})

t.test('drain flushes what waits', async t => {
  const { io, writes } = fakeIo(() => 201)
  const b = new BulkBatcher(io, { ...opts, flushMs: 60_000 })
  const p = b.submit([ev('a')])
  await b.drain()
  t.same(writes, [['a']])
  t.same(await p, { written: 1, duplicates: 0, deadLettered: 0 })
})
