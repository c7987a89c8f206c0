import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeBatch } from '../helpers/events.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'

const TOTAL = 40_000
const BATCH = 1000

t.test('a worker killed (SIGKILL) mid-ingest loses nothing and duplicates nothing after restart', async t => {
  const stack = await startStack(t, { worker: false })
  const env = workerEnv(stack.config)
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
