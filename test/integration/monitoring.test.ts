import { setTimeout as sleep } from 'node:timers/promises'
import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeBatch } from '../helpers/events.ts'
import { scrape, seriesValue } from '../helpers/prometheus.ts'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'

const FAST = { SILLAGE_WATCH_MS: '500', SILLAGE_HEARTBEAT_MS: '200' }

async function until<T> (probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await sleep(200)
  }
  return undefined
}

t.test('/metrics on the API and the worker move as events flow', async t => {
  const stack = await startStack(t, { env: FAST })
  const { app } = stack.api
  const port = stack.indexer?.watch.port as number
  t.ok(port > 0, 'the worker has its own listener')

  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: auth(KEYS.read) })).statusCode, 403)
  t.equal((await app.inject({ url: '/metrics', headers: auth(KEYS.aAdmin) })).statusCode, 403, 'a tenant\'s admin does not see the platform\'s figures')
  const apiBefore = (await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })).body
  const workerBefore = await scrape(port)

  for (const from of [0, 30]) {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeBatch('m', from, 30) })
    t.equal(res.statusCode, 202)
  }
  const bad = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: [{ event: { action: 'login' }, user: { id: 5 } }, { event: {} }] } })
  t.equal(bad.statusCode, 400)
  t.equal(await stack.waitForCount(60), 60)

  const api = await app.inject({ url: '/metrics', headers: auth(KEYS.admin) })
  t.equal(api.statusCode, 200)
  t.match(api.headers['content-type'], /text\/plain/)
  const delta = (after: string, before: string, name: string, labels?: Record<string, string>): number => seriesValue(after, name, labels) - seriesValue(before, name, labels)
  t.equal(delta(api.body, apiBefore, 'sillage_ingest_requests_total', { outcome: 'accepted' }), 2)
  t.equal(delta(api.body, apiBefore, 'sillage_ingest_events_total', { outcome: 'accepted' }), 60)
  t.equal(delta(api.body, apiBefore, 'sillage_ingest_requests_total', { outcome: 'invalid' }), 1)
  t.equal(delta(api.body, apiBefore, 'sillage_ingest_events_total', { outcome: 'invalid' }), 2)
  t.ok(delta(api.body, apiBefore, 'sillage_ingest_validation_errors_total') >= 2, 'each field error of the 400 counts')
  t.match(api.body, /sillage_queue_jobs\{queue="events",state="waiting"\} \d+/)
  t.equal(seriesValue(api.body, 'sillage_workers_alive'), 1)

  // The worker counts a job once it completes, a moment after its events are searchable.
  const worker = await until(async () => {
    const text = await scrape(port)
    return delta(text, workerBefore, 'sillage_indexed_events_total', { outcome: 'written' }) >= 60 ? text : undefined
  }, 10_000) ?? ''
  t.equal(delta(worker, workerBefore, 'sillage_indexed_events_total', { outcome: 'written' }), 60)
  t.ok(delta(worker, workerBefore, 'sillage_bulk_duration_seconds_count') >= 1, 'bulk latency observed')
  t.equal(delta(worker, workerBefore, 'sillage_bulk_documents_sum'), 60, 'documents per bulk add up to the events')
  t.equal(delta(worker, workerBefore, 'sillage_indexing_lag_seconds_count'), 2, 'one lag observation per job')
  t.match(worker, /nodejs_eventloop_lag_seconds/)

  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
  t.same(await ready.json(), { status: 'ok', components: { elasticsearch: 'up', redis: 'up' } })
})

t.test('readiness reports the worker down once its heartbeat stops, without taking the API out of service', async t => {
  const stack = await startStack(t, { worker: false, env: FAST })
  const { app } = stack.api
  const before = await app.inject({ url: '/health/ready' })
  t.same(before.json(), { status: 'degraded', components: { elasticsearch: 'up', redis: 'up', worker: 'down' } })
  t.equal(before.statusCode, 200)

  const child = startWorker(workerEnv(stack.config, { SILLAGE_HEARTBEAT_MS: '200' }))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const up = await until(async () => {
    const r = (await app.inject({ url: '/health/ready' })).json()
    return r.components.worker === 'up' ? r : undefined
  }, 60_000)
  t.same(up, { status: 'ok', components: { elasticsearch: 'up', redis: 'up', worker: 'up' } })

  // Killed, it cannot say goodbye: its beats go stale after three periods.
  child.kill('SIGKILL')
  await exited(child)
  // Three periods and one more after its exit, the first probe must see it gone (a slow probe only ages its beats).
  await sleep(4 * 200)
  const ready = (await app.inject({ url: '/health/ready' })).json()
  t.equal(ready.components.worker, 'down', 'seen down within three heartbeats')
  t.not(ready.status, 'ok')
})

t.test('dead letters appearing raise a system alert within a minute', async t => {
  const stack = await startStack(t, { env: FAST })
  const port = stack.indexer?.watch.port as number
  // Let the self-watch take its first look (it counts the dead letters already there as known).
  await sleep(1200)
  const before = seriesValue(await scrape(port), 'sillage_system_alerts_total', { kind: 'dead_letters' })
  const now = new Date()
  // Mapping drift, as in ingest.test.ts: the month's partition made by hand with user.id as a number.
  const index = `${stack.config.indexPrefix}-events-security-${now.getUTCFullYear()}.${String(now.getUTCMonth() + 1).padStart(2, '0')}.01`
  await stack.es.indices.create({ index, mappings: { properties: { user: { properties: { id: { type: 'long' } } } } } })
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { event: { id: 'drift-1', action: 'login' }, user: { id: 'not-a-number' } } })
  t.equal(res.statusCode, 202)
  const started = Date.now()
  const raised = await until(async () => {
    const n = seriesValue(await scrape(port), 'sillage_system_alerts_total', { kind: 'dead_letters' })
    return n > before ? n : undefined
  }, 60_000)
  t.equal(raised, before + 1, `raised once, after ${Date.now() - started} ms`)
  const text = await scrape(port)
  t.ok(seriesValue(text, 'sillage_dead_letters_total', { error_type: 'document_parsing_exception' }) + seriesValue(text, 'sillage_dead_letters_total', { error_type: 'mapper_parsing_exception' }) >= 1, 'the dead letter is counted by type')
  await sleep(1500)
  t.equal(seriesValue(await scrape(port), 'sillage_system_alerts_total', { kind: 'dead_letters' }), before + 1, 'not raised again while no new dead letter comes')
  // Raised through the alert service: stored, listed with the platform's alerts, open.
  const listed = await until(async () => {
    const r = await stack.api.app.inject({ url: '/v1/alerts', headers: auth(KEYS.admin) })
    const alerts = (r.json() as { alerts?: Array<{ system?: string, status: string }> }).alerts ?? []
    return alerts.find(a => a.system === 'dead_letters')
  }, 10_000)
  t.equal(listed?.status, 'open', 'the system alert is an open alert in /v1/alerts')
})
