import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis } from '../helpers/fault-engines.ts'
import { startFaultStack, watch } from '../helpers/fault-stack.ts'
import { report, startLoad } from '../helpers/fault-load.ts'
import { assertStoredOnce } from '../helpers/fault-invariant.ts'

const DOWN_S = 8

t.test('Redis killed (SIGKILL) during ingest and restarted from its AOF: 503 with Retry-After meanwhile, nothing lost', async t => {
  const redis = await startFaultRedis(t, 'kill')
  // The shared Elasticsearch, under this test's own prefix; only Redis is disturbed.
  const stack = await startFaultStack(t, { REDIS_URL: redis.url })
  const load = startLoad(t, stack.url, { run: 'rkill', batch: 20, pauseMs: 50 })
  const t0 = performance.now()
  const readiness = watch(stack.ready, 500)

  await sleep(4000)
  t.ok(await stack.waitForCount(1, 20_000) > 0, 'events flow before the kill')
  const acceptedAtKill = load.accepted.length
  await redis.kill()
  const down = performance.now() - t0
  await sleep(DOWN_S * 1000)
  await redis.restart()
  const up = performance.now() - t0
  t.comment(`Redis killed at ${(down / 1000).toFixed(1)} s with ${acceptedAtKill} events accepted; restarted from its AOF at ${(up / 1000).toFixed(1)} s`)
  await sleep(5000)
  await load.stop()
  const stopped = performance.now() - t0
  await readiness.stop()

  const outcome = await assertStoredOnce(t, stack.es, stack.config.indexPrefix, load.accepted, { timeoutMs: 90_000, settleMs: 6000 })
  t.equal(outcome.deadLettered.size, 0, 'nothing dead-lettered')

  report(t, 'before the kill', load.answers, 0, down)
  const during = report(t, 'while Redis was away', load.answers, down, up)
  const after = report(t, 'after the restart', load.answers, up, stopped)
  t.ok((during.statuses['503'] ?? 0) > 0, 'ingest answered 503 while Redis was away')
  t.same(Object.keys(during.statuses).filter(s => s !== '503' && s !== '202'), [], 'only 503 (and 202 for requests answered before the kill was seen)')
  t.equal(during.withRetryAfter, during.refusals, 'every 503 carried Retry-After')
  t.ok((after.statuses['202'] ?? 0) > 0, 'the API reconnected by itself: 202 again after the restart')
  t.notOk(load.answers.some(a => a.status === 500 || a.status === 'network'), 'never a 500, never a dropped connection')
  const firstAfter = load.answers.find(a => a.at >= up && a.status === 202)
  t.comment(`first 202 ${(((firstAfter?.at ?? NaN) - up) / 1000).toFixed(1)} s after the restart (the client waits the Retry-After it was given)`)

  const states = readiness.seen.map(s => `${(s.at / 1000).toFixed(1)} s: ${JSON.stringify(s.value)}`)
  t.comment(`readiness: ${states.join(' → ')}`)
  t.ok(readiness.seen.some(s => typeof s.value === 'object' && s.value.status === 503 && s.value.components.redis === 'down'), '/health/ready reported Redis down')
  t.match(await stack.ready(), { status: 200 }, 'and ready again')
})
