import type { Redis } from 'ioredis'
import type { Registry } from 'prom-client'
import type { Config } from '../config/config.ts'
import { createRegistry } from '../metrics/registry.ts'
import { IngestMetrics } from '../metrics/ingest-metrics.ts'
import { registerPipelineGauges } from '../metrics/pipeline-gauges.ts'
import { startMetricsListener, type MetricsListener, type ReadyChecks } from '../metrics/listener.ts'
import { QueueStatsReader } from '../queue/queue-stats.ts'
import { Heartbeats } from '../queue/heartbeat.ts'

/** What a process's monitoring holds: its registry, the queue reader behind its gauges, its listener if any. */
export interface Monitoring {
  registry: Registry
  stats: QueueStatsReader
  beats: Heartbeats
  listener?: MetricsListener
  close: () => Promise<void>
}

async function monitoring (config: Config, redis: Redis, workers: boolean): Promise<Omit<Monitoring, 'listener' | 'close'>> {
  const registry = createRegistry()
  const stats = new QueueStatsReader(redis, config.queuePrefix)
  const beats = new Heartbeats(redis, config.queuePrefix, config.monitoring.heartbeatMs)
  registerPipelineGauges(registry, {
    stats: async () => await stats.read(),
    integrity: config.integrity,
    ...(workers ? { workers: async () => (await beats.alive()).length } : {})
  })
  return { registry, stats, beats }
}

/** The API's metrics (ingest series, queue gauges, live workers), its advisory worker check and, when configured, its own listener. */
export async function apiMonitoring (config: Config, redis: Redis, checks: ReadyChecks): Promise<Monitoring & { ingest: IngestMetrics, advisory: ReadyChecks }> {
  const base = await monitoring(config, redis, true)
  const ingest = new IngestMetrics(base.registry)
  const advisory: ReadyChecks = {
    worker: async () => { if ((await base.beats.alive()).length === 0) throw new Error('no worker heartbeat') }
  }
  const port = config.monitoring.apiMetricsPort
  const listener = port === undefined ? undefined : await startMetricsListener(base.registry, checks, port, config.monitoring.metricsHost)
  return {
    ...base, ingest, advisory, ...(listener === undefined ? {} : { listener }),
    close: async () => {
      await listener?.close()
      await base.stats.close()
    }
  }
}

/** The worker's registry and queue gauges; its listener starts once the worker's own checks are known (see startWorkerListener). */
export async function workerMonitoring (config: Config, redis: Redis): Promise<Omit<Monitoring, 'listener' | 'close'>> {
  return await monitoring(config, redis, false)
}

export async function startWorkerListener (config: Config, registry: Registry, checks: ReadyChecks): Promise<MetricsListener | undefined> {
  const port = config.monitoring.workerMetricsPort
  return port === undefined ? undefined : await startMetricsListener(registry, checks, port, config.monitoring.metricsHost)
}
