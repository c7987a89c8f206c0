/**
 * Admin commands. Usage: npm run cli -- <command>
 *   queue-stats        jobs per state in the ingest queue
 *   replay-failed      move failed ingest jobs (accepted events not yet stored) back to waiting
 *   retention-sweep    delete expired partitions now (clusters without ILM)
 *   capabilities       what the Elasticsearch cluster offers
 */
import { loadConfigOrExit } from '../compose/runtime.ts'
import { createEs } from '../store/elasticsearch.ts'
import { detectCapabilities } from '../store/capabilities.ts'
import { sweepRetention } from '../store/retention-sweep.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsQueue } from '../queue/events-queue.ts'

const command = process.argv[2]
const config = loadConfigOrExit()

async function withQueue (work: (queue: ReturnType<typeof createEventsQueue>) => Promise<void>): Promise<void> {
  const redis = createRedis(config.redisUrl, 'producer')
  await connectRedis(redis, config.redisUrl)
  const queue = createEventsQueue(redis, config.queuePrefix)
  try { await work(queue) } finally { await queue.close(); redis.disconnect() }
}

async function withEs (work: (es: ReturnType<typeof createEs>) => Promise<void>): Promise<void> {
  const es = createEs(config.elasticsearchUrl)
  try { await work(es) } finally { await es.close() }
}

const commands: Record<string, () => Promise<void>> = {
  'queue-stats': () => withQueue(async queue => {
    console.log(JSON.stringify(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'), null, 2))
  }),
  'replay-failed': () => withQueue(async queue => {
    const failed = await queue.getJobCountByTypes('failed')
    await queue.retryJobs({ state: 'failed', count: 1000 })
    console.log(`${failed} failed job(s) moved back to waiting`)
  }),
  'retention-sweep': () => withEs(async es => {
    const caps = await detectCapabilities(es)
    if (caps.ilm) { console.log('this cluster has ILM: its lifecycle policies enforce retention'); return }
    console.log(JSON.stringify(await sweepRetention(es, config.indexPrefix, config.retentionDays, Date.now()), null, 2))
  }),
  capabilities: () => withEs(async es => { console.log(JSON.stringify(await detectCapabilities(es), null, 2)) })
}

const run = command === undefined ? undefined : commands[command]
if (run === undefined) {
  console.error(`usage: npm run cli -- <${Object.keys(commands).join('|')}>`)
  process.exit(2)
}
await run()
