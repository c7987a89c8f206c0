import t from 'tap'
import { BulkBatcher, type BatcherIo } from '../../../src/indexer/bulk-batcher.ts'
import type { DeadLetter } from '../../../src/store/system/dead-letters.ts'
import { itemOutcome } from '../../../src/indexer/item-outcome.ts'
import { repeatRounds } from '../../../src/indexer/event-writer.ts'
import type { BulkDoc, BulkItemResult } from '../../../src/store/bulk.ts'
import type { QueuedEvent } from '../../../src/queue/events-queue.ts'
import type { StoredCopy } from '../../../src/store/events/event-copies.ts'

const ev = (id: string, index = 'idx', message = 'm'): QueuedEvent => ({ id, index, tenant: 't', json: JSON.stringify({ event: { id }, message, audit: { tenant: 't' } }) })

/**
 * A scripted store: answers each write with statuses chosen per id and attempt; documents written (or seeded)
 * are returned by `get` at once and by `find` only once `searchable` (as after a refresh).
 */
function fakeIo (status: (id: string, attempt: number) => number, deadLetterFails = false) {
  const attempts = new Map<string, number>()
  const writes: string[][] = []
  const letters: DeadLetter[] = []
  const docs = new Map<string, Record<string, unknown>>()
  const searchable: StoredCopy[] = []
  const finds: string[][] = []
  const io: BatcherIo = {
    write: async (batch: BulkDoc[]): Promise<BulkItemResult[]> => {
      writes.push(batch.map(d => d.id))
      return batch.map(d => {
        const n = (attempts.get(d.id) ?? 0) + 1
        attempts.set(d.id, n)
        const s = status(d.id, n)
        if (s < 300) docs.set(`${d.index}|${d.id}`, JSON.parse(d.doc as string))
        return s < 300 || s === 409 ? { status: s } : { status: s, errorType: s === 400 ? 'document_parsing_exception' : 'es_rejected_execution_exception', reason: 'r' }
      })
    },
    find: async events => {
      finds.push(events.map(e => e.id))
      return events.map(e => searchable.find(c => (c.source.event as { id: string }).id === e.id))
    },
    get: async refs => refs.map(r => docs.get(`${r.index}|${r.id}`)),
    deadLetter: async (l: DeadLetter[]) => { if (deadLetterFails) throw new Error('down'); letters.push(...l); return l }
  }
  const seed = (event: QueuedEvent, asSearchable = true): void => {
    const source = JSON.parse(event.json) as Record<string, unknown>
    docs.set(`${event.index}|t/${event.id}`, source)
    if (asSearchable) searchable.push({ index: event.index, id: `t/${event.id}`, source })
  }
  return { io, writes, letters, finds, seed }
}

const opts = { maxDocs: 4, flushMs: 5, retries: 2, retryBaseMs: 1 }

t.test('bulk item outcomes', async t => {
  t.equal(itemOutcome({ status: 201 }), 'written')
  t.equal(itemOutcome({ status: 409 }), 'exists')
  t.equal(itemOutcome({ status: 429 }), 'retry')
  t.equal(itemOutcome({ status: 503 }), 'retry')
  t.equal(itemOutcome({ status: 400 }), 'reject')
  // Blocks clear by themselves (disk space back) or by an operator: never a dead letter.
  t.equal(itemOutcome({ status: 429, errorType: 'cluster_block_exception' }), 'retry', 'flood-stage read-only-allow-delete block')
  t.equal(itemOutcome({ status: 403, errorType: 'cluster_block_exception' }), 'retry', 'write or read-only block')
  t.equal(itemOutcome({ status: 400, errorType: 'index_closed_exception' }), 'retry', 'closed partition')
  t.equal(itemOutcome({ status: 400, errorType: 'document_parsing_exception' }), 'reject')
})

t.test('concurrent jobs share one bulk, under ids of tenant and event id; the same event already stored counts as stored', async t => {
  const { io, writes, seed } = fakeIo(id => id === 't/b' ? 409 : 201)
  seed(ev('b'), false)
  const b = new BulkBatcher(io, opts)
  const [r1, r2] = await Promise.all([b.submit([ev('a'), ev('b')]), b.submit([ev('c')])])
  t.same(writes, [['t/a', 't/b', 't/c']])
  t.same(r1, { written: 1, duplicates: 1, deadLettered: 0 })
  t.same(r2, { written: 1, duplicates: 0, deadLettered: 0 })
})

t.test('reaching maxDocs flushes at once', async t => {
  const { io, writes } = fakeIo(() => 201)
  const b = new BulkBatcher({ ...io }, { ...opts, flushMs: 10_000 })
  await Promise.all([b.submit([ev('a'), ev('b')]), b.submit([ev('c'), ev('d')])])
  t.same(writes, [['t/a', 't/b', 't/c', 't/d']])
})

t.test('429 items are retried alone until stored', async t => {
  const { io, writes } = fakeIo((id, n) => id === 't/b' && n < 3 ? 429 : 201)
  const r = await new BulkBatcher(io, opts).submit([ev('a'), ev('b')])
  t.same(writes, [['t/a', 't/b'], ['t/b'], ['t/b']])
  t.same(r, { written: 2, duplicates: 0, deadLettered: 0 })
})

t.test('items still failing after the retries fail their job only', async t => {
  const { io } = fakeIo(id => id === 't/x' ? 503 : 201)
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
    find: async events => events.map(() => undefined),
    get: async refs => refs.map(() => undefined),
    deadLetter: async () => []
  }
  t.same(await new BulkBatcher(io, opts).submit([ev('a')]), { written: 1, duplicates: 0, deadLettered: 0 })
  t.equal(calls, 2)
})

t.test('refused documents are dead-lettered with the reason', async t => {
  const { io, letters } = fakeIo(id => id === 't/bad' ? 400 : 201)
  const r = await new BulkBatcher(io, opts).submit([ev('ok'), ev('bad')])
  t.same(r, { written: 1, duplicates: 0, deadLettered: 1 })
  t.equal(letters.length, 1)
  t.match(letters[0], { status: 400, errorType: 'document_parsing_exception', event: { id: 'bad', index: 'idx' } })
})

t.test('if the dead letter cannot be written, the job fails rather than lose the event', async t => {
  const { io } = fakeIo(id => id === 't/bad' ? 400 : 201, true)
  await t.rejects(new BulkBatcher(io, opts).submit([ev('bad')]), /dead-letter write failed/)
})

t.test('drain flushes what waits', async t => {
  const { io, writes } = fakeIo(() => 201)
  const b = new BulkBatcher(io, { ...opts, flushMs: 60_000 })
  const p = b.submit([ev('a')])
  await b.drain()
  t.same(writes, [['t/a']])
  t.same(await p, { written: 1, duplicates: 0, deadLettered: 0 })
})

t.test('an id stored with other content: the event is dead-lettered with the reason, nothing is written', async t => {
  const { io, writes, letters, seed } = fakeIo(id => id === 't/x' ? 409 : 201)
  seed(ev('x', 'idx', 'original'), false)
  const r = await new BulkBatcher(io, opts).submit([ev('x', 'idx', 'rewritten')])
  t.same(r, { written: 0, duplicates: 0, deadLettered: 1 })
  t.same(writes, [['t/x']])
  t.match(letters, [{ status: 409, errorType: 'id_conflict', reason: 'event id "x" is already stored with different content (differs in message; stored in idx)', stored: { index: 'idx', id: 't/x' } }])
})

t.test('an id stored in another partition is found before the bulk and compared, not written', async t => {
  const { io, writes, letters, seed, finds } = fakeIo(() => 201)
  seed(ev('x', 'idx-2026.01'))
  seed(ev('y', 'idx-2026.01'))
  const r = await new BulkBatcher(io, opts).submit([ev('x', 'idx-2026.03'), ev('y', 'idx-2026.03', 'other'), ev('z')])
  t.same(finds, [['x', 'y', 'z']], 'one look-up for the batch')
  t.same(writes, [['t/z']])
  t.same(r, { written: 1, duplicates: 1, deadLettered: 1 })
  t.match(letters, [{ event: { id: 'y' }, reason: /differs in message; stored in idx-2026.01/ }])
})

t.test('the same id twice in one batch, in two partitions: written once, the second compared with the first', async t => {
  const { io, writes, letters } = fakeIo(() => 201)
  const b = new BulkBatcher(io, opts)
  const [first, same, other] = await Promise.all([b.submit([ev('x', 'jan')]), b.submit([ev('x', 'mar')]), b.submit([ev('x', 'may', 'other')])])
  t.same(writes, [['t/x']])
  t.same([first, same, other], [{ written: 1, duplicates: 0, deadLettered: 0 }, { written: 0, duplicates: 1, deadLettered: 0 }, { written: 0, duplicates: 0, deadLettered: 1 }])
  t.match(letters, [{ event: { index: 'may' }, reason: /stored in jan/ }])
})

t.test('a copy written moments ago, not yet searchable, is found among this process\'s recent writes', async t => {
  const { io, writes } = fakeIo(() => 201)
  const b = new BulkBatcher(io, opts)
  await b.submit([ev('x', 'jan')])
  t.same(await b.submit([ev('x', 'mar')]), { written: 0, duplicates: 1, deadLettered: 0 })
  t.same(writes, [['t/x']])
})

t.test('failures to look up or read back copies hand the job back to the queue', async t => {
  const { io } = fakeIo(() => 409)
  t.match(await new BulkBatcher(io, { ...opts, retries: 0 }).submit([ev('gone')]).catch((e: Error) => e.message), /will retry: 409 but the stored document is gone/)
  const broken: BatcherIo = { ...io, find: async () => { throw new Error('search down') } }
  await t.rejects(new BulkBatcher(broken, opts).submit([ev('a')]), /will retry: stored copies could not be looked up: search down/)
})

t.test('repeat rounds: the r-th occurrence of each key goes in round r', async t => {
  t.same(repeatRounds(['a', 'b', 'a', 'c', 'a', 'b']), [[0, 1, 3], [2, 5], [4]])
  t.same(repeatRounds([]), [])
})

t.test('flushes running side by side write a key once: the later waits for the earlier, then compares', async t => {
  const { io, writes } = fakeIo(() => 201)
  const slow: BatcherIo = { ...io, write: async docs => { await new Promise(resolve => setTimeout(resolve, 20)); return await io.write(docs) } }
  const b = new BulkBatcher(slow, { ...opts, maxDocs: 1 })
  const [first, second, other] = await Promise.all([b.submit([ev('x', 'jan')]), b.submit([ev('x', 'mar')]), b.submit([ev('y')])])
  t.same(writes.flat().sort(), ['t/x', 't/y'])
  t.same([first.written, second.duplicates, other.written], [1, 1, 1])
})
