import { t } from '../helpers/file-test.ts'
import { Worker } from 'bullmq'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { createPeriodicQueue } from '../../src/queue/periodic-queue.ts'
import { testEnv } from '../helpers/stack.ts'

t.test('a periodic job runs one at a time across workers, even when a run outlasts its period', async t => {
  const config = loadConfig(testEnv())
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  const policy = { name: `periodic-${process.pid}`, job: { removeOnComplete: true, removeOnFail: true } }
  const queue = await createPeriodicQueue(redis, config.queuePrefix, policy, 'tick', 100)
  let running = 0
  let most = 0
  let runs = 0
  // Two workers, each free to take a job: a run lasts 400 ms, four periods.
  const connections = [0, 1].map(() => createRedis(config.redis, 'worker'))
  const workers = connections.map(connection => new Worker(policy.name, async () => {
    most = Math.max(most, ++running)
    await sleep(400)
    running--
    runs++
  }, { connection, prefix: config.queuePrefix, concurrency: 2 }))
  t.teardown(async () => {
    await Promise.all(workers.map(async w => await w.close()))
    await queue.obliterate({ force: true })
    await queue.close()
    redis.disconnect()
    for (const c of connections) c.disconnect()
  })
  for (let i = 0; i < 60 && runs < 3; i++) await sleep(100)
  t.ok(runs >= 3, `${runs} runs`)
  t.equal(most, 1, 'never two at once')
})
