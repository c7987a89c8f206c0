import t from 'tap'
import { IngestService, type IngestOptions } from '../../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../../src/compose/enrich-context.ts'
import { loadConfig } from '../../../src/config/config.ts'
import type { EventsQueue } from '../../../src/queue/events-queue.ts'
import { BackpressureError, UnavailableError } from '../../../src/errors.ts'

const config = loadConfig({ SILLAGE_API_KEYS: 'unit-test-key-00000001:ingest' })
const body = { event: { id: 'e-1', action: 'login' }, user: { id: 'u-1' } }

/** A queue that counts adds and fails them as told. */
function fakeQueue (fail?: Error): { queue: EventsQueue, adds: number[] } {
  const adds: number[] = []
  const queue = {
    getJobCounts: async () => ({ waiting: 1 }),
    add: async () => { if (fail !== undefined) throw fail; adds.push(Date.now()) }
  }
  return { queue: queue as unknown as EventsQueue, adds }
}

const service = (queue: EventsQueue, extra: Partial<IngestOptions> = {}): IngestService =>
  new IngestService(queue, enrichContext(config), { indexPrefix: 'u', maxBatch: 10, queueMaxJobs: 100, ...extra })

t.test('the queue\'s Redis near its maxmemory: 429 with a reason, before Redis itself refuses the worker too', async t => {
  let used = 70
  const { queue, adds } = fakeQueue()
  const ingest = service(queue, { depthCacheMs: 0, memory: { read: async () => ({ used, max: 100 }), maxPercent: 80 } })
  t.same(await ingest.ingest(body), { ids: ['e-1'] })
  used = 85
  await t.rejects(ingest.ingest(body), { constructor: BackpressureError, retryAfterSeconds: 5, message: /Redis is 85 % full \(bound 80 % of maxmemory\)/ })
  t.equal(adds.length, 1, 'nothing queued while refused')
  const unlimited = service(fakeQueue().queue, { depthCacheMs: 0, memory: { read: async () => ({ used: 10 ** 9, max: 0 }), maxPercent: 80 } })
  t.same(await unlimited.ingest(body), { ids: ['e-1'] }, 'maxmemory 0 is no limit')
})

t.test('the memory bound counts what was let through since the last reading: concurrent requests stop short of it', async t => {
  let reads = 0
  const { queue, adds } = fakeQueue()
  // One reading for the whole test: 70 % of a 100 kB maxmemory, bound 80 %.
  const ingest = service(queue, { depthCacheMs: 60_000, memory: { read: async () => { reads++; return { used: 70_000, max: 100_000 } }, maxPercent: 80 } })
  const big = (i: number): object => ({ event: { id: `e-${i}`, action: 'login' }, user: { id: 'u-1' }, message: 'x'.repeat(1900) })
  const answers = await Promise.allSettled(Array.from({ length: 8 }, async (_, i) => await ingest.ingest(big(i))))
  const refused = answers.filter(a => a.status === 'rejected')
  t.equal(reads, 1, 'no new reading')
  t.ok(adds.length >= 4 && adds.length <= 5, `${adds.length} let through: 10 kB of room for jobs of about 2.4 kB`)
  t.equal(refused.length, 8 - adds.length)
  t.match((refused[0] as PromiseRejectedResult).reason, { constructor: BackpressureError, message: /Redis is 8\d % full \(bound 80 % of maxmemory\)/ })
})

t.test('Redis refusing the add: 503, never a 500; OOM said plainly, a lost connection may have queued (resend)', async t => {
  const oom = service(fakeQueue(new Error('OOM command not allowed when used memory > \'maxmemory\'.')).queue)
  await t.rejects(oom.ingest(body), { constructor: UnavailableError, statusCode: 503, message: /queue is full \(its Redis reached maxmemory\); nothing was accepted/ })
  const gone = service(fakeQueue(new Error('Connection is closed.')).queue)
  await t.rejects(gone.ingest(body), { constructor: UnavailableError, message: /may not have been accepted: send the same request again/ })
})

t.test('durable acknowledgement: not ready → nothing queued; not confirmed → 503 telling to resend', async t => {
  const { queue, adds } = fakeQueue()
  let ready = false
  let confirmed = false
  const ingest = service(queue, {
    durable: {
      ready: async () => { if (!ready) throw new Error('appendfsync is everysec') },
      confirm: async () => { if (!confirmed) throw new Error('the AOF did not fsync within 2000 ms') }
    }
  })
  await t.rejects(ingest.ingest(body), { statusCode: 503, message: /cannot keep events on disk now \(appendfsync is everysec\); nothing was accepted/ })
  t.equal(adds.length, 0)
  ready = true
  await t.rejects(ingest.ingest(body), { statusCode: 503, message: /queued but not confirmed on disk .*send the same request again/ })
  confirmed = true
  t.same(await ingest.ingest(body), { ids: ['e-1'] })
  t.equal(adds.length, 2)
})

t.test('a queue past its bounds refuses before the body is even checked', async t => {
  let depth = 100
  let reads = 0
  const queue = { getJobCounts: async () => { reads++; return { waiting: depth } }, add: async () => {} } as unknown as EventsQueue
  const ingest = service(queue, { depthCacheMs: 0 })
  const invalid = { events: [{ event: { id: 'e-1' } }] }
  await t.rejects(ingest.ingest(invalid), { constructor: BackpressureError, statusCode: 429, message: /queue/ }, 'refused as full, not as invalid: nothing of it was read')
  depth = 1
  await t.rejects(ingest.ingest(invalid), { statusCode: 400, message: /invalid|event/ }, 'with room again, the body is checked')
  reads = 0
  t.same(await ingest.ingest(body), { ids: ['e-1'] })
  t.equal(reads, 2, 'once before the body, once with its size')
})
