import t, { type Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { startFaultRedis, type FaultRedis } from '../helpers/fault-engines.ts'
import { startFaultStack } from '../helpers/fault-stack.ts'
import { report, startLoad, type Load } from '../helpers/fault-load.ts'
import { assertStoredOnce } from '../helpers/fault-invariant.ts'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'

const MAXMEMORY = 8 * 1024 * 1024

async function until (done: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await done()) && performance.now() < deadline) await sleep(200)
}

const usedMemory = async (redis: FaultRedis): Promise<number> => Number(/^used_memory:(\d+)/m.exec(await redis.client.info('memory'))?.[1])
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`

/**
 * Ingest with no worker until Redis (or the API's bound) refuses, then `relieve` and start a worker: every
 * accepted event must be stored once, every refusal must carry Retry-After, and no answer may be a 500.
 */
async function fillThenDrain (t: Test, redis: FaultRedis, run: string, env: Record<string, string>, relieve: () => Promise<void>): Promise<Load> {
  const stack = await startFaultStack(t, { REDIS_URL: redis.url, SILLAGE_QUEUE_MAX_JOBS: '1000000', ...env }, { worker: false })
  const load = startLoad(t, stack.url, { run, batch: 100, pauseMs: 10, maxWaitMs: 2000 })
  const t0 = performance.now()
  await until(() => load.answers.filter(a => a.status !== 202).length >= 3)
  const full = performance.now() - t0
  t.comment(`refusing after ${(full / 1000).toFixed(1)} s: ${load.accepted.length} events accepted, Redis used_memory ${mib(await usedMemory(redis))} of ${mib(MAXMEMORY)}`)
  await relieve()
  const worker = startWorker(workerEnv(stack.config, { SILLAGE_WORKER_LOCK_MS: '3000' }))
  t.teardown(async () => { if (worker.exitCode === null) { worker.kill('SIGKILL'); await exited(worker) } })
  const draining = performance.now() - t0
  await until(() => load.answers.some(a => a.at > draining && a.status === 202) || worker.exitCode !== null)
  t.equal(worker.exitCode, null, 'the worker started and runs')
  await sleep(3000)
  await load.stop()
  const stopped = performance.now() - t0

  const outcome = await assertStoredOnce(t, stack.es, stack.config.indexPrefix, load.accepted, { timeoutMs: 120_000 })
  t.equal(outcome.deadLettered.size, 0, 'nothing dead-lettered')
  report(t, 'filling', load.answers, 0, full)
  const refused = report(t, 'full, no worker', load.answers, full, draining)
  const after = report(t, 'worker draining', load.answers, draining, stopped)
  t.notOk(load.answers.some(a => a.status === 500 || a.status === 'network'), 'never a 500')
  t.equal(refused.withRetryAfter, refused.refusals, 'every refusal carried Retry-After')
  t.ok((after.statuses['202'] ?? 0) > 0, 'ingest accepts again once the worker drains the queue')
  t.same(await stack.queue.getJobCounts('failed', 'waiting', 'active', 'delayed'), { failed: 0, waiting: 0, active: 0, delayed: 0 }, 'the queue is empty, no job failed')
  worker.kill('SIGTERM')
  t.equal(await exited(worker), 0, 'the worker stops cleanly')
  return load
}

t.test('Redis at maxmemory (noeviction): ingest refuses with Retry-After, never a 500; nothing queued is dropped', async t => {
  const redis = await startFaultRedis(t, 'maxmemory', ['--maxmemory', String(MAXMEMORY)])

  await t.test('without the API\'s memory bound: Redis itself refuses (503); the operator gives it room', async t => {
    const load = await fillThenDrain(t, redis, 'oom', { SILLAGE_QUEUE_MAX_MEMORY_PERCENT: '0' }, async () => {
      // Full to the last byte, the worker could not even start (its start-up writes are refused too). The room
      // given is far more than the load fills while the worker starts: taking a job writes too, so a Redis full
      // again before the worker's first job would leave it as stuck as before (the reason for the API's bound).
      await redis.client.config('SET', 'maxmemory', String(16 * MAXMEMORY))
    })
    t.ok(load.answers.some(a => a.status === 503), '503 while Redis refused writes')
    await redis.client.config('SET', 'maxmemory', String(MAXMEMORY))
  })

  await t.test('with the bound (80 % of maxmemory by default): 429 before Redis is full; the worker drains it by itself', async t => {
    const load = await fillThenDrain(t, redis, 'bound', {}, async () => {})
    t.ok(load.answers.some(a => a.status === 429), '429 at the bound')
    t.notOk(load.answers.some(a => a.status === 503), 'Redis never reached maxmemory')
  })
})
