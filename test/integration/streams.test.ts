import { setTimeout as sleep } from 'node:timers/promises'
import { t } from '../helpers/file-test.ts'
import { streamsIndex } from '../../src/store/system/streams-store.ts'
import { auth, KEYS, startStack, testEnv } from '../helpers/stack.ts'
import { loadConfig } from '../../src/config/config.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { createEventsQueue } from '../../src/queue/events-queue.ts'
import { oldestPendingIngest } from '../../src/queue/watermark.ts'
import { makeEvent } from '../helpers/events.ts'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'
import { NdjsonReceiver, octetFrames, TcpReceiver } from '../helpers/receivers.ts'
import { accessIndex } from '../../src/store/system/access-log.ts'

const STREAM_ENV = { SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on', SILLAGE_STREAM_SETTLE_MS: '300', SILLAGE_STREAM_MAX_BACKOFF_MS: '1500', SILLAGE_STREAM_TIMEOUT_MS: '2000', SILLAGE_STREAM_BATCH_MAX: '40' }

async function until (probe: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await probe()) return true
    await sleep(200)
  }
  return false
}

/** Events of one tenant, as a tenant-bound writer sends them. */
const batch = (run: string, from: number, size: number, tenant: string): { events: Array<Record<string, unknown>> } =>
  ({ events: Array.from({ length: size }, (_, k) => ({ ...makeEvent(run, from + k), audit: { ...(makeEvent(run, from + k).audit as object), tenant } })) })

const order = (e: Record<string, unknown>): [string, string] => {
  const ev = e.event as { ingested: string, id: string }
  return [ev.ingested, ev.id]
}

t.test('a stream delivers every event of its tenant in order, across a receiver outage and a worker killed meanwhile', async t => {
  const stack = await startStack(t, { worker: false, env: STREAM_ENV })
  const { app } = stack.api
  const receiver = new NdjsonReceiver()
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const env = workerEnv(stack.config, { ...STREAM_ENV, SILLAGE_API_KEYS: 'test-admin-key-000001:admin' })
  let worker = startWorker(env)
  t.teardown(() => { if (worker.exitCode === null) worker.kill('SIGKILL') })

  const created = await app.inject({ method: 'POST', url: '/v1/streams', headers: auth(KEYS.aAdmin), payload: { name: 'siem', destination: { type: 'http', url: `http://127.0.0.1:${receiver.port}/ingest`, token: 'receiver-token-123456' } } })
  t.equal(created.statusCode, 201, created.body)
  const stream = created.json()
  t.equal(stream.tenant, 'brand-a')
  t.same(stream.destination, { type: 'http', url: `http://127.0.0.1:${receiver.port}/ingest`, hasToken: true }, 'the token is never shown')

  const send = async (run: string, from: number, size: number, tenant: string): Promise<void> => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: batch(run, from, size, tenant) })
    t.equal(res.statusCode, 202)
  }
  for (let i = 0; i < 3; i++) { await send('a', i * 20, 20, 'brand-a'); await send('b', i * 20, 10, 'brand-b') }
  t.ok(await until(() => receiver.events.length >= 60, 60_000), 'the first 60 events arrive')
  t.equal(receiver.batches[0]?.headers.authorization, 'Bearer receiver-token-123456')
  const raw = await stack.es.get<{ destination: { token: string } }>({ index: streamsIndex(stack.config.indexPrefix), id: created.json().id as string })
  t.match(raw._source?.destination.token, /^sealed:v1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/, 'the token is sealed where it is stored')
  t.equal(receiver.batches[0]?.headers['content-type'], 'application/x-ndjson')

  // The receiver goes down; events keep coming; the worker is killed and another one starts meanwhile.
  await receiver.stop()
  for (let i = 3; i < 10; i++) { await send('a', i * 20, 20, 'brand-a'); await send('b', i * 20, 10, 'brand-b') }
  t.ok(await until(async () => (await app.inject({ url: `/v1/streams/${stream.id as string}`, headers: auth(KEYS.aAdmin) })).json().state.consecutiveFailures >= 2, 30_000), 'failures are seen')
  const failing = (await app.inject({ url: `/v1/streams/${stream.id as string}`, headers: auth(KEYS.aAdmin) })).json().state
  t.match(failing.lastError.message, /fetch failed|ECONNREFUSED|receiver/)
  t.ok(failing.lagSeconds > 0, 'lag grows while the receiver is down')
  t.not(failing.failingSince, null)
  t.equal(failing.position.eventId, 'a-59', 'the position stays at the last event delivered')
  worker.kill('SIGKILL')
  await exited(worker)
  worker = startWorker(env)
  await sleep(2000)
  await receiver.start()

  // The new worker takes the stream over once the dead one's lease expires (2 × timeout + 10 s).
  t.ok(await until(() => new Set(receiver.events.map(e => (e.event as { id: string }).id)).size >= 200, 90_000), 'every event arrives once the receiver is back')
  const received = receiver.events
  t.ok(received.every(e => (e.audit as { tenant: string }).tenant === 'brand-a'), 'only the stream\'s tenant')
  const firsts: Array<Record<string, unknown>> = []
  const seen = new Set<string>()
  for (const e of received) { const id = (e.event as { id: string }).id; if (!seen.has(id)) { seen.add(id); firsts.push(e) } }
  t.same(firsts.map(e => (e.event as { id: string }).id).sort(), Array.from({ length: 200 }, (_, i) => `a-${i}`).sort(), 'none missing')
  const sorted = [...firsts].sort((x, y) => { const [a, b] = [order(x), order(y)]; return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0 })
  t.same(firsts.map(order), sorted.map(order), 'in order of ingestion')
  t.ok(received.length - firsts.length <= 40, `at most a batch delivered twice (${received.length - firsts.length})`)

  const state = (await app.inject({ url: `/v1/streams/${stream.id as string}`, headers: auth(KEYS.aAdmin) })).json().state
  t.ok(await until(async () => (await app.inject({ url: `/v1/streams/${stream.id as string}`, headers: auth(KEYS.aAdmin) })).json().state.deliveredTotal >= 200, 10_000))
  t.equal(state.consecutiveFailures, 0)
  t.equal(state.failingSince, null)
  t.not(state.deliveredAt, null)

  // The token is kept out of the access log.
  await stack.es.indices.refresh({ index: accessIndex(stack.config.indexPrefix) })
  const leaked = await stack.es.count({ index: accessIndex(stack.config.indexPrefix), q: '"receiver-token-123456"' })
  t.equal(leaked.count, 0, 'no trace of the token in the access log')

  worker.kill('SIGTERM')
  t.equal(await exited(worker), 0)
})

t.test('syslog over TCP: RFC 5424 messages with octet counting, filtered by KQL', async t => {
  const stack = await startStack(t, { env: STREAM_ENV })
  const { app } = stack.api
  const receiver = new TcpReceiver()
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const res = await app.inject({ method: 'POST', url: '/v1/streams', headers: auth(KEYS.admin), payload: { name: 'syslog', tenant: 'brand-a', query: 'event.action:(login or deposit)', destination: { type: 'syslog', host: '127.0.0.1', port: receiver.port, tls: false, hostname: 'audit-eu' } } })
  t.equal(res.statusCode, 201, res.body)
  const sent = batch('s', 0, 22, 'brand-a')
  t.equal((await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: sent })).statusCode, 202)
  const wanted = sent.events.filter(e => ['login', 'deposit'].includes((e.event as { action: string }).action)).map(e => (e.event as { id: string }).id)
  t.ok(wanted.length >= 4)
  t.ok(await until(() => receiver.connections.flatMap(c => octetFrames(c)).length >= wanted.length, 60_000))
  const messages = receiver.connections.flatMap(c => octetFrames(c))
  for (const m of messages) {
    t.match(m, /^<\d{1,3}>1 \d{4}-\d{2}-\d{2}T[^ ]+ audit-eu sillage - (login|deposit) \[audit@32473 tenant="brand-a" id="s-\d+"[^\]]*\] \uFEFF\{/)
    const json = JSON.parse(m.slice(m.indexOf('\uFEFF') + 1)) as { event: { id: string }, audit: { tenant: string } }
    t.equal(json.audit.tenant, 'brand-a')
  }
  t.same(messages.map(m => (JSON.parse(m.slice(m.indexOf('\uFEFF') + 1)) as { event: { id: string } }).event.id).sort(), [...wanted].sort(), 'exactly the matching events')
  // facility 13 (log audit) × 8 + severity from importance (login: info 6 or notice 5…)
  t.ok(messages.every(m => { const pri = Number(/^<(\d+)>/.exec(m)?.[1]); return pri >= 104 && pri <= 111 }))
})

t.test('a deleted stream sends nothing more, least of all the history before it was made', async t => {
  const stack = await startStack(t, { env: STREAM_ENV })
  const { app } = stack.api
  const receiver = new NdjsonReceiver()
  await receiver.start()
  t.teardown(async () => { await receiver.stop() })
  const ingest = async (run: string, size: number): Promise<void> => {
    t.equal((await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: batch(run, 0, size, 'brand-a') })).statusCode, 202)
  }
  await ingest('old', 30)
  t.equal(await stack.waitForCount(30), 30)
  const created = await app.inject({ method: 'POST', url: '/v1/streams', headers: auth(KEYS.aAdmin), payload: { name: 'from now', destination: { type: 'http', url: `http://127.0.0.1:${receiver.port}/ingest` } } })
  t.equal(created.statusCode, 201, created.body)
  // The worker has the stream in its list once the first new event arrives.
  await ingest('new', 1)
  t.ok(await until(() => receiver.events.length >= 1, 30_000), 'the stream delivers what comes after it')
  t.equal(await stack.waitForCount(31), 31)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/streams/${created.json().id as string}`, headers: auth(KEYS.aAdmin) })).statusCode, 204)
  await ingest('after', 5)
  // Several turns, while the worker's list (read every 5 s) still holds the stream.
  await sleep(4000)
  t.same(receiver.events.map(e => (e.event as { id: string }).id), ['new-0'], 'nothing after the deletion: not the old events, not the new ones')
})

t.test('streams API: strict input, tenants kept apart, versions, moving the position', async t => {
  const stack = await startStack(t, { worker: false, env: STREAM_ENV })
  const { app } = stack.api
  const post = async (key: string, payload: unknown): Promise<{ statusCode: number, json: () => Record<string, any> }> => await app.inject({ method: 'POST', url: '/v1/streams', headers: auth(key), payload: payload as Record<string, unknown> }) // eslint-disable-line @typescript-eslint/no-explicit-any
  const http = { type: 'http', url: 'https://siem.example.com/in' }
  t.equal((await post(KEYS.read, { name: 'x', destination: http })).statusCode, 403, 'admin only')
  t.equal((await post(KEYS.admin, { name: 'x', destination: http })).statusCode, 400, 'a platform key names the tenant')
  t.equal((await post(KEYS.admin, { name: 'x', tenant: 'brand-b', destination: { type: 'http', url: 'http://siem.example.com/in' } })).statusCode, 400, 'plain http is refused')
  const cases: Array<[unknown, string]> = [
    [{ name: 'x', destination: { type: 'http', url: 'http://siem.example.com/in' } }, '/destination/url'],
    [{ name: 'x', destination: { type: 'syslog', host: 'siem.example.com', port: 514, tls: false } }, '/destination/tls'],
    [{ name: 'x', destination: http, query: 'event.action:(login' }, '/query'],
    [{ name: 'x', destination: http, filters: { period: { from: 'now-1d' } } }, '/filters/period'],
    [{ name: 'x', destination: http, batchSize: 5000 }, '/batchSize'],
    [{ name: 'x', destination: http, extra: 1 }, '/extra'],
    [{ name: 'x', destination: http, tenant: 'brand-b' }, '/tenant']
  ]
  for (const [payload, path] of cases) {
    const r = await post(KEYS.aAdmin, payload)
    t.equal(r.statusCode, 400, path)
    t.ok((r.json().errors as Array<{ path: string }>).some(e => e.path.startsWith(path)), `names ${path}`)
  }
  const a = (await post(KEYS.aAdmin, { name: 'a', destination: http })).json()
  const b = (await post(KEYS.admin, { name: 'b', tenant: 'brand-b', destination: http })).json()
  t.same((await app.inject({ url: '/v1/streams', headers: auth(KEYS.aAdmin) })).json().streams.map((s: { id: string }) => s.id), [a.id], 'a tenant sees its own')
  t.equal((await app.inject({ url: '/v1/streams', headers: auth(KEYS.admin) })).json().streams.length, 2)
  t.equal((await app.inject({ url: `/v1/streams/${b.id as string}`, headers: auth(KEYS.aAdmin) })).statusCode, 404, 'another tenant\'s stream does not exist for it')

  const put = await app.inject({ method: 'PUT', url: `/v1/streams/${a.id as string}`, headers: { ...auth(KEYS.aAdmin), 'if-match': `"${a.version as string}"` }, payload: { name: 'renamed', destination: http, enabled: false } })
  t.equal(put.statusCode, 200, put.body)
  t.equal(put.json().enabled, false)
  const stale = await app.inject({ method: 'PUT', url: `/v1/streams/${a.id as string}`, headers: { ...auth(KEYS.aAdmin), 'if-match': `"${a.version as string}"` }, payload: { name: 'again', destination: http } })
  t.equal(stale.statusCode, 409)
  const moved = await app.inject({ method: 'POST', url: `/v1/streams/${a.id as string}/position`, headers: auth(KEYS.aAdmin), payload: { from: '2026-01-01T00:00:00Z' } })
  t.equal(moved.statusCode, 200)
  t.same(moved.json().state.position, { ingested: '2026-01-01T00:00:00.000Z', eventId: '' })
  t.equal((await app.inject({ method: 'POST', url: `/v1/streams/${a.id as string}/position`, headers: auth(KEYS.aAdmin), payload: { from: 'tomorrow' } })).statusCode, 400)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/streams/${a.id as string}`, headers: auth(KEYS.aAdmin) })).statusCode, 204)
  t.equal((await app.inject({ url: `/v1/streams/${a.id as string}`, headers: auth(KEYS.aAdmin) })).statusCode, 404)
  // The platform's changes to a tenant's streams are recorded with the tenant they touched (in that tenant's log too),
  // refused ones as well.
  const staleB = await app.inject({ method: 'PUT', url: `/v1/streams/${b.id as string}`, headers: { ...auth(KEYS.admin), 'if-match': '"999.1"' }, payload: { name: 'stale', destination: http } })
  t.equal(staleB.statusCode, 409, staleB.body)
  t.equal((await app.inject({ method: 'POST', url: `/v1/streams/${b.id as string}/position`, headers: auth(KEYS.admin), payload: { from: 'tomorrow' } })).statusCode, 400)
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/streams/${b.id as string}`, headers: auth(KEYS.admin) })).statusCode, 204)
  const log = (await app.inject({ url: '/v1/access-log?changes=true&size=1000', headers: auth(KEYS.admin) })).json().entries as Array<{ action: string, tenant: string | null, status: number, target_tenants?: string[] }>
  const platform = log.filter(e => e.tenant === null && e.action.startsWith('stream.'))
  t.same(platform.map(e => `${e.action} ${e.status} ${e.target_tenants?.join() ?? '-'}`).sort(), [
    'stream.created 201 brand-b', 'stream.created 400 -', 'stream.created 400 brand-b', 'stream.deleted 204 brand-b',
    'stream.position_moved 400 brand-b', 'stream.updated 409 brand-b'
  ], 'each platform change names brand-b, the refused attempts on it too')
})

t.test('limits tightened after a stream was saved: it can still be paused and renamed; what a change sets anew meets them', async t => {
  const loose = await startStack(t, { worker: false, env: { ...STREAM_ENV, SILLAGE_STREAM_BATCH_MAX: '40' } })
  const receiver = { type: 'syslog', host: '127.0.0.1', port: 6514, tls: false }
  const made = await loose.api.app.inject({ method: 'POST', url: '/v1/streams', headers: auth(KEYS.aAdmin), payload: { name: 'loopback', destination: receiver, batchSize: 40 } })
  t.equal(made.statusCode, 201, made.body)
  // The same indices, under an operator's tighter settings: no loopback receivers, batches of 20 at most.
  const { SILLAGE_STREAMS_ALLOW_LOOPBACK: _, ...tight } = STREAM_ENV
  const strict = await startStack(t, { worker: false, env: { ...tight, SILLAGE_STREAM_BATCH_MAX: '20', SILLAGE_INDEX_PREFIX: loose.config.indexPrefix, SILLAGE_QUEUE_PREFIX: loose.config.queuePrefix } })
  const put = async (version: string, payload: object) => await strict.api.app.inject({ method: 'PUT', url: `/v1/streams/${made.json().id as string}`, headers: { ...auth(KEYS.aAdmin), 'if-match': `"${version}"` }, payload })
  const paused = await put(made.json().version as string, { name: 'loopback, paused', destination: receiver, batchSize: 40, enabled: false })
  t.equal(paused.statusCode, 200, paused.body)
  t.match(paused.json(), { enabled: false, name: 'loopback, paused', batchSize: 40 })
  const moved = await put(paused.json().version as string, { name: 'x', destination: { ...receiver, port: 6515 }, batchSize: 40, enabled: false })
  t.equal(moved.statusCode, 400, 'a new receiver meets today\'s limits')
  t.match(moved.json().errors, [{ path: '/destination/host' }])
  const bigger = await put(paused.json().version as string, { name: 'x', destination: receiver, batchSize: 30, enabled: false })
  t.match(bigger.json(), { statusCode: 400, errors: [{ path: '/batchSize' }] }, 'so does a new batch size')
})

t.test('the stream horizon sees the oldest unfinished ingest job wherever it sits: a retried job goes back at the newest end of the wait list', async t => {
  const config = loadConfig(testEnv())
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  const queue = createEventsQueue(redis, config.queuePrefix)
  t.teardown(async () => { await queue.obliterate({ force: true }); await queue.close(); redis.disconnect() })
  const now = Date.now()
  t.equal(await oldestPendingIngest(redis, queue, now), now, 'no job: now')
  // Queued in this order, no worker: the job added last, with the oldest time, is where a retry puts a job back.
  for (const ago of [30_000, 10_000, 60_000]) await queue.add('index', { events: [] }, { timestamp: now - ago })
  t.equal(await oldestPendingIngest(redis, queue, now), now - 60_000, 'the oldest of the three, not the next to be taken')
})
