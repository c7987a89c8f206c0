import { t } from '../helpers/file-test.ts'
import { createHash } from 'node:crypto'
import { auth, KEYS, startStack, testEnv } from '../helpers/stack.ts'
import { writeDeadLetters } from '../../src/store/system/dead-letters.ts'
import { canonicalize } from '../../src/integrity/canonical.ts'
import type { DeadLetter } from '../../src/store/system/dead-letters.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'bullmq'
import { loadConfig } from '../../src/config/config.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { createEventsQueue, retryFailedJobs } from '../../src/queue/events-queue.ts'
import { QUEUES } from '../../src/queue/policy.ts'

/** A refused event as the worker hands it over: `n` seconds after a fixed time, so the order is known. */
function letter (tenant: string, id: string, errorType: string, n: number): { letter: DeadLetter, at: number } {
  const json = canonicalize({ '@timestamp': '2026-11-26T10:00:00.000Z', event: { id, action: 'login' }, audit: { tenant, retention: 'security' } })
  return { letter: { event: { id, tenant, index: 'x-events-security-2026.11.01', json }, status: errorType === 'id_conflict' ? 409 : 400, errorType, reason: `refused: ${errorType}` }, at: Date.UTC(2026, 10, 26, 12) + n * 1000 }
}

t.test('dead letters: listed newest first and paged, filtered, confined to the tenant, read whole; replay refusals are precise', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_LOG_LEVEL: 'fatal' } })
  const prefix = stack.config.indexPrefix
  const made = [
    letter('brand-a', 'a-1', 'document_parsing_exception', 1),
    letter('brand-a', 'a-2', 'document_parsing_exception', 2),
    letter('brand-a', 'a-3', 'id_conflict', 3),
    letter('brand-b', 'b-1', 'document_parsing_exception', 4)
  ]
  for (const m of made) await writeDeadLetters(stack.es, prefix, [m.letter], () => m.at)
  await writeDeadLetters(stack.es, prefix, [made[0]?.letter as DeadLetter], () => Date.now()) // the same refusal again: still one letter
  await stack.es.indices.refresh({ index: `${prefix}-deadletter` })
  const get = async (key: string, url: string) => await stack.api.app.inject({ method: 'GET', url, headers: auth(key) })
  const post = async (key: string, url: string, payload?: object) => await stack.api.app.inject({ method: 'POST', url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })

  const all = (await get(KEYS.admin, '/v1/dead-letters')).json()
  t.equal(all.total, 4, 'one letter per tenant, id and content')
  t.same(all.letters.map((l: { event_id: string }) => l.event_id), ['a-1', 'b-1', 'a-3', 'a-2'], 'newest refusal first (a-1 was refused again just now)')
  const first = (await get(KEYS.admin, '/v1/dead-letters?size=2')).json()
  t.equal(first.letters.length, 2)
  const second = (await get(KEYS.admin, `/v1/dead-letters?size=2&cursor=${first.cursor}`)).json()
  t.same([...first.letters, ...second.letters].map((l: { id: string }) => l.id), all.letters.map((l: { id: string }) => l.id), 'two pages make the whole list')
  t.equal((await get(KEYS.admin, '/v1/dead-letters?cursor=bm90LWEtY3Vyc29y')).statusCode, 400, 'a cursor this service did not issue')
  t.same((await get(KEYS.admin, '/v1/dead-letters?error_type=id_conflict')).json().letters.map((l: { event_id: string }) => l.event_id), ['a-3'])
  t.same((await get(KEYS.admin, '/v1/dead-letters?tenant=brand-b')).json().letters.map((l: { event_id: string }) => l.event_id), ['b-1'])
  t.equal((await get(KEYS.admin, '/v1/dead-letters?state=replayed')).json().total, 0)

  const mine = (await get(KEYS.aAdmin, '/v1/dead-letters?tenant=brand-b')).json()
  t.same(mine.letters.map((l: { tenant: string }) => l.tenant), ['brand-a', 'brand-a', 'brand-a'], 'a tenant administrator sees its own tenant, whatever it asks')
  const b1 = all.letters.find((l: { event_id: string }) => l.event_id === 'b-1')
  t.equal((await get(KEYS.aAdmin, `/v1/dead-letters/${b1.id}`)).statusCode, 404, 'another tenant\'s letter does not exist for it')
  t.match((await get(KEYS.admin, `/v1/dead-letters/${b1.id}`)).json(), { id: b1.id, tenant: 'brand-b', status: 400, reason: 'refused: document_parsing_exception', raw: { event: { id: 'b-1' } } })
  t.equal((await get(KEYS.admin, '/v1/dead-letters/0000000000000000')).statusCode, 404)

  const a3 = all.letters.find((l: { event_id: string }) => l.event_id === 'a-3')
  const conflict = await post(KEYS.admin, `/v1/dead-letters/${a3.id}/replay`)
  t.equal(conflict.statusCode, 409, 'an id_conflict letter would be refused again')
  t.match(conflict.json().message, /stored with other content/)
  const batch = (await post(KEYS.aAdmin, '/v1/dead-letters/replay', { ids: [a3.id, b1.id, '0123456789abcdef'] })).json()
  t.same(batch.queued, [], 'nothing queued')
  t.same(batch.skipped.map((s: { id: string }) => s.id).sort(), [a3.id, b1.id, '0123456789abcdef'].sort(), 'each skipped with its reason (b-1 is another tenant\'s: unknown here)')
  t.equal((await post(KEYS.admin, '/v1/dead-letters/replay', { ids: [] })).statusCode, 400)
  t.equal((await get(KEYS.ingest, '/v1/dead-letters')).statusCode, 403)

  // Letters of earlier versions, without letter_id: given one at the next start, then found by it.
  const old = (id: string) => ({ '@timestamp': '2026-11-01T00:00:00.000Z', event_id: id, tenant: 'brand-a', target_index: 'x', status: 400, error_type: 'mapper_parsing_exception', reason: 'old', raw: { event: { id }, audit: { tenant: 'brand-a' } } })
  await stack.es.index({ index: `${prefix}-deadletter`, id: 'brand-a/old-1#0123456789abcdef', document: old('old-1') })
  await stack.es.index({ index: `${prefix}-deadletter`, id: 'old-2', document: old('old-2'), refresh: true })
  await installTemplates(stack.es, { prefix, replicas: 0, retentionDays: stack.config.retentionDays }, stack.caps)
  const olds = (await get(KEYS.admin, '/v1/dead-letters?error_type=mapper_parsing_exception')).json()
  t.same(olds.letters.map((l: { id: string }) => l.id).sort(), ['0123456789abcdef', sha16(canonicalize(old('old-2').raw))].sort(), 'earlier letters have an API id')
  for (const l of olds.letters) t.equal((await get(KEYS.admin, `/v1/dead-letters/${l.id}`)).json().event_id, l.event_id)

  // What the dead-letter metric counts: a letter a retried job meets again is not pending anew; one replayed and refused again is.
  const a2 = made[1]?.letter as DeadLetter
  t.same(await writeDeadLetters(stack.es, prefix, [a2]), [], 'a retried job\'s refusal: nothing new')
  const stored = await stack.es.search({ index: `${prefix}-deadletter`, query: { term: { event_id: 'a-2' } } })
  await stack.es.update({ index: `${prefix}-deadletter`, id: stored.hits.hits[0]?._id as string, doc: { replayed_at: new Date().toISOString() }, refresh: true })
  t.same(await writeDeadLetters(stack.es, prefix, [a2]), [a2], 'a replay refused again: pending once more')
})

const sha16 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

t.test('replay-failed queues failed jobs\' events again, received again now, with the whole retry policy ahead of them', async t => {
  const config = loadConfig(testEnv())
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  const queue = createEventsQueue(redis, config.queuePrefix)
  t.teardown(async () => { await queue.obliterate({ force: true }); await queue.close(); redis.disconnect() })
  // Two attempts, no wait between them, and an indexer that always fails: the job ends failed.
  const event = letter('brand-a', 'f-1', 'none', 0).letter.event
  const job = await queue.add('index', { events: [event] }, { attempts: 2, backoff: undefined })
  const connection = createRedis(config.redis, 'worker')
  const worker = new Worker(QUEUES.events.name, async () => { throw new Error('Elasticsearch is down') }, { connection, prefix: config.queuePrefix })
  for (let i = 0; i < 100 && await job.getState() !== 'failed'; i++) await sleep(100)
  await worker.close()
  connection.disconnect()
  t.equal(await job.getState(), 'failed')
  t.equal((await queue.getJob(job.id as string))?.attemptsMade, 2)
  const at = new Date('2026-12-04T09:00:00.000Z')
  t.equal(await retryFailedJobs(queue, at), 1)
  t.equal(await queue.getJob(job.id as string), undefined, 'the failed job is gone')
  const [back, ...more] = await queue.getWaiting()
  t.equal(more.length, 0)
  t.equal(back?.attemptsMade, 0, 'the whole retry policy ahead of it')
  t.equal(back?.opts.attempts, QUEUES.events.job.attempts)
  const queued = back?.data.events[0]
  t.match(queued, { id: 'f-1', tenant: 'brand-a', index: event.index })
  const doc = JSON.parse(queued?.json ?? '{}')
  t.equal(doc.event.ingested, at.toISOString(), 'received again now, so streams and watch rules see it')
  t.equal(queued?.json, canonicalize({ ...JSON.parse(event.json), event: { id: 'f-1', action: 'login', ingested: at.toISOString() } }), 'the rest of the event unchanged')
})

t.test('a thousand letters replayed at once, by ids or by filter: one job, all marked; a full queue refuses a replay as it refuses ingest', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_LOG_LEVEL: 'fatal', SILLAGE_QUEUE_MAX_JOBS: '1' } })
  const prefix = stack.config.indexPrefix
  const redis = createRedis(stack.config.redis, 'producer')
  await connectRedis(redis, stack.config.redis)
  const queue = createEventsQueue(redis, stack.config.queuePrefix)
  t.teardown(async () => { await queue.close(); redis.disconnect() })
  const made = Array.from({ length: 1000 }, (_, i) => letter(i % 2 === 0 ? 'brand-a' : 'brand-b', `r-${i}`, 'document_parsing_exception', i))
  await writeDeadLetters(stack.es, prefix, made.map(m => m.letter), () => Date.UTC(2026, 10, 26, 12))
  await stack.es.indices.refresh({ index: `${prefix}-deadletter` })
  const call = async (key: string, method: 'GET' | 'POST', url: string, payload?: object) => await stack.api.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
  const ids = (await call(KEYS.admin, 'GET', '/v1/dead-letters?tenant=brand-a&size=500')).json().letters.map((l: { id: string }) => l.id) as string[]
  t.equal(ids.length, 500)

  const byIds = await call(KEYS.aAdmin, 'POST', '/v1/dead-letters/replay', { ids })
  t.equal(byIds.statusCode, 202)
  t.equal(byIds.json().queued.length, 500)
  t.equal((await call(KEYS.aAdmin, 'GET', '/v1/dead-letters?state=replayed&size=1')).json().total, 500, 'every letter marked, and visible as soon as the answer comes')
  t.equal(await queue.count(), 1, 'in one job')

  await sleep(300) // past the queue depth's reading, which requests share for 250 ms
  const busy = await call(KEYS.admin, 'POST', '/v1/dead-letters/replay', { tenant: 'brand-b' })
  t.equal(busy.statusCode, 429, 'the queue holds its bound of jobs: the replay waits, as ingest would')
  t.ok(Number(busy.headers['retry-after']) >= 1)
  t.equal((await call(KEYS.admin, 'GET', '/v1/dead-letters?tenant=brand-b&size=1')).json().total, 500, 'nothing marked')
  await queue.drain()
  await sleep(300)
  const byFilter = await call(KEYS.admin, 'POST', '/v1/dead-letters/replay', { tenant: 'brand-b' })
  t.equal(byFilter.json().queued.length, 500)
  t.ok(byFilter.json().queued.every((q: { tenant: string }) => q.tenant === 'brand-b'), 'each queued letter names its tenant')
  t.equal((await call(KEYS.admin, 'GET', '/v1/dead-letters?size=1')).json().total, 0, 'none pending')
})
