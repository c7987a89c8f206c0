import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeBatch } from '../helpers/events.ts'
import { eventsAlias } from '../../src/store/index-names.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TOTAL = 40_000
const BATCH = 1000

function startWorker (env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise(resolve => child.once('exit', code => resolve(code)))

t.test('a worker killed (SIGKILL) mid-ingest loses nothing and duplicates nothing after restart', async t => {
  const stack = await startStack(t, { worker: false })
  const env = {
    ELASTICSEARCH_URL: stack.config.elasticsearchUrl,
    REDIS_URL: stack.config.redisUrl,
    SILLAGE_API_KEYS: `${KEYS.ingest}:ingest`,
    SILLAGE_INDEX_PREFIX: stack.config.indexPrefix,
    SILLAGE_QUEUE_PREFIX: stack.config.queuePrefix,
    SILLAGE_LOG_LEVEL: 'warn',
    // Small bulks and short locks: the kill lands mid-stream and the orphaned jobs come back quickly.
    SILLAGE_BULK_MAX_DOCS: '500',
    SILLAGE_WORKER_CONCURRENCY: '4',
    SILLAGE_WORKER_LOCK_MS: '3000'
  }
  for (let from = 0; from < TOTAL; from += BATCH) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeBatch('crash', from, BATCH) })
    if (res.statusCode !== 202) t.fail(`batch ${from / BATCH}: ${res.statusCode} ${res.body}`)
  }

  const first = startWorker(env)
  let atKill = 0
  while (atKill < 3000 && first.exitCode === null) {
    await sleep(50)
    atKill = await stack.waitForCount(0)
  }
  first.kill('SIGKILL')
  await exited(first)
  t.ok(atKill >= 3000 && atKill < TOTAL, `killed mid-ingest, with ${atKill} of ${TOTAL} indexed`)

  const second = startWorker(env)
  t.teardown(() => { second.kill('SIGKILL') })
  const final = await stack.waitForCount(TOTAL, 180_000)
  t.equal(final, TOTAL, 'every accepted event indexed')
  await sleep(Number(env.SILLAGE_WORKER_LOCK_MS) * 2) // any re-delivered job finishes before the exact count
  const index = eventsAlias(stack.config.indexPrefix)
  await stack.es.indices.refresh({ index })
  t.equal((await stack.es.count({ index })).count, TOTAL, 'exactly once: no duplicates')
  // Every accepted id is there; with the total equal to TOTAL, each is there exactly once.
  const ids = Array.from({ length: TOTAL }, (_, i) => `crash-${i}`)
  t.equal((await stack.es.count({ index, query: { terms: { 'event.id': ids } } })).count, TOTAL, 'every accepted id present')
  const dead = await stack.es.count({ index: `${stack.config.indexPrefix}-deadletter` })
  t.equal(dead.count, 0, 'nothing dead-lettered')
  second.kill('SIGTERM')
  t.equal(await exited(second), 0, 'the worker shuts down cleanly on SIGTERM')
})
