import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import type { Capabilities } from '../store/capabilities.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsWorker } from '../indexer/events-worker.ts'
import { startMaintenance } from '../indexer/maintenance-worker.ts'
import { BulkBatcher } from '../indexer/bulk-batcher.ts'
import { bulkCreate } from '../store/bulk.ts'
import { writeDeadLetters } from '../store/dead-letters.ts'
import { sweepRetention } from '../store/retention-sweep.ts'

export interface Indexer { close: () => Promise<void> }

/** Wires the worker process: events consumer with its bulk batcher, and the scheduled retention sweep. */
export async function composeIndexer (config: Config, es: Es, caps: Capabilities, log: Logger): Promise<Indexer> {
  const redis = createRedis(config.redisUrl, 'worker')
  await connectRedis(redis, config.redisUrl)
  const prefix = config.indexPrefix
  const batcher = new BulkBatcher({
    write: async docs => await bulkCreate(es, docs),
    deadLetter: async letters => {
      log.warn({ count: letters.length, first: letters[0]?.reason }, 'events refused by Elasticsearch, dead-lettered')
      await writeDeadLetters(es, prefix, letters)
    }
  }, { maxDocs: config.bulkMaxDocs, flushMs: config.bulkFlushMs, retries: 3, retryBaseMs: 250 })

  const worker = createEventsWorker(redis, batcher, { prefix: config.queuePrefix, concurrency: config.workerConcurrency, lockMs: config.workerLockMs })
  worker.on('error', err => log.error({ err }, 'worker error'))
  worker.on('failed', (job, err) => log.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed, will retry'))

  const maintenance = await startMaintenance(redis, config.queuePrefix, config.retentionSweepMs, async () => {
    if (caps.ilm) return { skipped: 'ILM manages retention' }
    const result = await sweepRetention(es, prefix, config.retentionDays, Date.now())
    if (result.deleted.length > 0) log.info(result, 'retention sweep deleted expired partitions')
    return result
  })
  log.info({ concurrency: config.workerConcurrency, ilm: caps.ilm }, 'indexer started')

  return {
    close: async () => {
      // close() lets active jobs finish (the batcher flushes their events) and takes no new ones.
      await worker.close()
      await batcher.drain()
      await maintenance.close()
      redis.disconnect()
    }
  }
}
