import { createLogger, enrichContext, loadConfigOrExit, onShutdown, openStore } from './runtime.ts'
import { connectRedis, createRedis } from './queue/redis.ts'
import { createEventsQueue } from './queue/events-queue.ts'
import { IngestService } from './ingest/ingest-service.ts'
import { buildApp } from './http/app.ts'

const config = loadConfigOrExit()
const log = createLogger(config, 'sillage-api')
const { es } = await openStore(config, log)
const redis = createRedis(config.redisUrl, 'producer')
await connectRedis(redis, config.redisUrl)
const queue = createEventsQueue(redis, config.queuePrefix)
const ingest = new IngestService(queue, enrichContext(config), { maxBatch: config.maxBatch, queueMaxJobs: config.queueMaxJobs })

const app = await buildApp(config, { ingest, health: { elasticsearch: () => es.ping(), redis: () => redis.ping() } }, log)
await app.listen({ port: config.port, host: config.host })

onShutdown(log, async () => {
  await app.close()
  await queue.close()
  redis.disconnect()
  await es.close()
})
