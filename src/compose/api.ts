import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsQueue } from '../queue/events-queue.ts'
import { IngestService } from '../ingest/ingest-service.ts'
import { buildApp } from '../http/app.ts'
import { enrichContext } from './runtime.ts'

export interface Api { app: FastifyInstance, close: () => Promise<void> }

/** Wires the API process: queue producer, ingest service, HTTP app. Does not listen. */
export async function composeApi (config: Config, es: Es, log?: Logger): Promise<Api> {
  const redis = createRedis(config.redisUrl, 'producer')
  await connectRedis(redis, config.redisUrl)
  const queue = createEventsQueue(redis, config.queuePrefix)
  const ingest = new IngestService(queue, enrichContext(config), { indexPrefix: config.indexPrefix, maxBatch: config.maxBatch, queueMaxJobs: config.queueMaxJobs })
  const app = await buildApp(config, { ingest, health: { elasticsearch: () => es.ping(), redis: () => redis.ping() } }, log)
  return {
    app,
    close: async () => {
      await app.close()
      await queue.close()
      redis.disconnect()
    }
  }
}
