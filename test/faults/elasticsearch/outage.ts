import type { Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis, type FaultEs } from '../../helpers/fault-engines.ts'
import { startFaultStack, watch } from '../../helpers/fault-stack.ts'
import { report, startLoad } from '../../helpers/fault-load.ts'
import { assertStoredOnce } from '../../helpers/fault-invariant.ts'
import { auth, KEYS } from '../../helpers/stack.ts'

// 20 s in `npm test`; `npm run faults:long` runs the 60 s outage of the issue.
const OUTAGE_S = Number(process.env.SILLAGE_FAULT_OUTAGE_S ?? 20)

export const title = `Elasticsearch stopped for ${OUTAGE_S} s during ingest, then started: queued, retried with back-off, stored once`

export async function outage (t: Test, es: FaultEs): Promise<void> {
  const redis = await startFaultRedis(t, 'outage')
  // A bound the client's rate fills during a long outage: past it, 429 with Retry-After.
  const stack = await startFaultStack(t, { ELASTICSEARCH_URL: es.url, REDIS_URL: redis.url, SILLAGE_QUEUE_MAX_JOBS: '150' })
  const load = startLoad(t, stack.url, { run: 'outage', batch: 20, pauseMs: 200 })
  const t0 = performance.now()
  const readiness = watch(stack.ready)
  let deepest = { waiting: 0, delayed: 0 }
  const depth = watch(async () => {
    const c = await stack.queue.getJobCounts('waiting', 'delayed', 'failed')
    if ((c.waiting ?? 0) + (c.delayed ?? 0) > deepest.waiting + deepest.delayed) deepest = { waiting: c.waiting ?? 0, delayed: c.delayed ?? 0 }
    return c.failed
  }, 500)

  await sleep(4000)
  t.ok(await stack.waitForCount(1, 20_000) > 0, 'events flow before the outage')
  await es.stop()
  const down = performance.now() - t0
  // A read while the engine is unreachable is refused for now, not a server error.
  const search = await stack.api.app.inject({ url: '/v1/events?size=1', headers: auth(KEYS.read) })
  t.equal(search.statusCode, 503, 'a search while Elasticsearch is down answers 503')
  t.ok(search.headers['retry-after'] !== undefined && /cannot be reached/.test(search.json().message), `with Retry-After and why: ${search.body}`)
  await sleep(OUTAGE_S * 1000)
  const restarting = performance.now() - t0
  await es.start()
  const up = performance.now() - t0
  t.comment(`Elasticsearch down from ${(down / 1000).toFixed(1)} s to ${(up / 1000).toFixed(1)} s (${((up - down) / 1000).toFixed(1)} s, of which ${((up - restarting) / 1000).toFixed(1)} s starting)`)
  await sleep(3000)
  await load.stop()
  const stopped = performance.now() - t0

  const outcome = await assertStoredOnce(t, stack.es, stack.config.indexPrefix, load.accepted, { timeoutMs: 150_000 })
  await readiness.stop()
  await depth.stop()
  t.equal(outcome.deadLettered.size, 0, 'nothing dead-lettered for the outage')
  t.same(depth.seen.map(s => s.value).filter(f => f !== 0), [], 'no job exhausted its attempts')

  const before = report(t, 'before the outage', load.answers, 0, down)
  const during = report(t, 'during the outage', load.answers, down, up)
  const after = report(t, 'after the restart', load.answers, up, stopped)
  t.ok((during.statuses['202'] ?? 0) > 0, 'ingest answered 202 while Elasticsearch was down (the queue had room)')
  const all = [before, during, after]
  t.ok(all.every(s => Object.keys(s.statuses).every(k => k === '202' || k === '429')), 'only 202 and 429 (queue full) were answered')
  t.equal(during.withRetryAfter, during.refusals, 'every 429 carried Retry-After')
  t.comment(`queue at its deepest: ${deepest.waiting} waiting, ${deepest.delayed} delayed (back-off) jobs`)
  t.ok(deepest.delayed > 0, 'the worker backed off (jobs delayed between attempts)')

  const states = readiness.seen.map(s => `${(s.at / 1000).toFixed(1)} s: ${JSON.stringify(s.value)}`)
  t.comment(`readiness: ${states.join(' → ')}`)
  t.ok(readiness.seen.some(s => typeof s.value === 'object' && s.value.status === 503 && s.value.components.elasticsearch === 'down'), '/health/ready reported Elasticsearch down (503)')
  t.match(await stack.ready(), { status: 200 }, 'and ready again after the restart')
}
