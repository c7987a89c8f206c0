import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { StreamsStore } from '../store/system/streams-store.ts'
import { streamPage } from '../store/events/stream-events.ts'
import { StreamService, streamQuery } from '../streams/stream-service.ts'
import { createSender } from '../streams/senders.ts'
import { Leases } from '../queue/lease.ts'
import { createEventsQueue } from '../queue/events-queue.ts'
import { oldestPendingIngest } from '../queue/watermark.ts'
import { StreamMetrics } from '../metrics/stream-metrics.ts'
import { startStreamRunner } from '../indexer/stream-runner.ts'
import type { Observation } from '../monitor/self-watch.ts'
import { storedSecretsFor, streamReceivers } from './shared.ts'

/** The API's side of log streams: their definitions and state. */
export async function streamServiceFor (config: Config, es: Es): Promise<StreamService> {
  const store = new StreamsStore(es, config.indexPrefix)
  await store.install(config.indexReplicas)
  return new StreamService(store, { receivers: streamReceivers(config), batchMax: config.streams.batchMax }, storedSecretsFor(config))
}

export interface WorkerStreams {
  /** Every enabled stream's failure state, for the self-watch (whichever worker delivers it). */
  observe: () => Promise<Observation['streams']>
  close: () => Promise<void>
}

/** The worker's side: delivery (unless SILLAGE_STREAMS=off) and what the self-watch reads. */
export async function workerStreams (config: Config, es: Es, redis: Redis, registry: Registry, log: Logger): Promise<WorkerStreams> {
  // The API makes the indices; until then there is no stream to deliver.
  const store = new StreamsStore(es, config.indexPrefix)
  const observe = async (): Promise<Observation['streams']> => {
    const all = (await store.list(null)).filter(s => s.doc.enabled)
    const positions = await store.positionsOf(all.map(s => s.id))
    return all.map(s => ({ id: s.id, tenant: s.doc.tenant, name: s.doc.name, failingSince: positions.get(s.id)?.failingSince ?? null }))
  }
  if (!config.streams.deliver) return { observe, close: async () => {} }
  const queue = createEventsQueue(redis, config.queuePrefix)
  const runner = startStreamRunner(config.streams, {
    store,
    // A lease outlives the longest delivery, so a slow receiver does not hand its stream to a second worker.
    leases: new Leases(redis, config.queuePrefix, 2 * config.streams.timeoutMs + 10_000),
    send: createSender(config.streams.timeoutMs, storedSecretsFor(config), streamReceivers(config)),
    page: async (stream, after, before, size) => await streamPage(es, config.indexPrefix, streamQuery(stream.doc), after, before, size),
    oldestPending: async now => await oldestPendingIngest(redis, queue, now),
    metrics: new StreamMetrics(registry),
    log
  })
  return {
    observe,
    close: async () => {
      await runner.close()
      await queue.close()
    }
  }
}
