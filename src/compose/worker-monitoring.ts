import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import type { BatcherIo } from '../indexer/bulk-batcher.ts'
import type { SubmitResult } from '../indexer/bulk-batcher.ts'
import { IndexerMetrics } from '../metrics/indexer-metrics.ts'
import { startBeating } from '../queue/heartbeat.ts'
import { QUEUES } from '../queue/policy.ts'
import { countDeadLetters } from '../store/system/dead-letter-stats.ts'
import { startSelfWatch } from '../indexer/self-watch-worker.ts'
import type { Observation } from '../monitor/self-watch.ts'
import { SYSTEM_ALERT_KINDS, type RaiseSystemAlert } from '../monitor/system-alert.ts'
import { startWorkerListener, workerMonitoring } from './monitoring.ts'

/** Counted once per bulk: its duration, its size, and its items Elasticsearch asked to send again. */
export function instrumentedIo (io: BatcherIo, metrics: IndexerMetrics): BatcherIo {
  return {
    ...io,
    write: async docs => {
      const end = metrics.bulkSeconds.startTimer()
      try {
        const items = await io.write(docs)
        let retried = 0
        for (const item of items) if (item.status === 429 || item.status >= 500) retried++
        if (retried > 0) metrics.itemsRetried.inc(retried)
        return items
      } catch (err) {
        metrics.bulkFailures.inc()
        throw err
      } finally {
        end()
        metrics.bulkDocuments.observe(docs.length)
      }
    },
    deadLetter: async letters => {
      const pending = await io.deadLetter(letters)
      metrics.deadLettered(pending.map(l => l.errorType))
      return pending
    }
  }
}

/** Job outcomes of a queue's worker, once per job: events settled, indexing lag, retries and jobs given up. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any job type: only the job's attempts and time are read
export function countJobs (worker: Worker<any, any, any>, queue: string, metrics: IndexerMetrics): void {
  worker.on('failed', job => { if (job !== undefined) metrics.jobFailed(queue, job.attemptsMade, job.opts.attempts ?? 1) })
  if (queue !== QUEUES.events.name) return
  worker.on('completed', (job, result) => {
    const r = result as SubmitResult
    metrics.indexed.inc({ outcome: 'written' }, r.written)
    metrics.indexed.inc({ outcome: 'duplicate' }, r.duplicates)
    metrics.indexed.inc({ outcome: 'dead_lettered' }, r.deadLettered)
    // The job's time is set when ingest queues it, right after it stamps event.ingested.
    metrics.indexingLag.observe(Math.max(0, Date.now() - job.timestamp) / 1000)
  })
}

/**
 * Each system alert is logged (error level) and counted by kind, then handed to `forward` (the alert service,
 * which stores, deduplicates and notifies) when there is one; a forward that fails fails the self-watch run,
 * which raises it again next time.
 */
export function loggedSystemAlerts (log: Logger, registry: Registry, forward?: RaiseSystemAlert): RaiseSystemAlert {
  const counter = new Counter({ name: 'sillage_system_alerts_total', help: 'Alerts the pipeline raised about itself, by kind', labelNames: ['kind'], registers: [registry] })
  for (const kind of SYSTEM_ALERT_KINDS) counter.inc({ kind }, 0)
  return async alert => {
    counter.inc({ kind: alert.kind })
    log.error({ systemAlert: alert }, `system alert: ${alert.summary}`)
    await forward?.(alert)
  }
}

export interface WorkerWatch {
  registry: Registry
  metrics: IndexerMetrics
  raise: RaiseSystemAlert
  /** The port of the worker's metrics and health listener, when it has one. */
  port?: number
  runSelfWatchNow: () => Promise<void>
  close: () => Promise<void>
}

export interface WatchSources {
  es: Es
  /** Each stream's failure state, for the self-watch (none until streams are wired). */
  streams?: () => Promise<Observation['streams']>
  /** Where system alerts go besides the log and the counter: the alert service. */
  forward?: RaiseSystemAlert
}

/** Redis counter of the dead letters retention deleted (the maintenance run adds to it). */
export const retiredLettersKey = (queuePrefix: string): string => `${queuePrefix}:deadletters:retired`

/** The worker's metrics, heartbeat, self-watch and listener. */
export async function startWorkerWatch (config: Config, redis: Redis, sources: WatchSources, log: Logger): Promise<WorkerWatch> {
  const { registry, stats, beats } = await workerMonitoring(config, redis)
  const metrics = new IndexerMetrics(registry)
  const raise = loggedSystemAlerts(log, registry, sources.forward)
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  const beating = startBeating(beats, id, config.monitoring.heartbeatMs, err => log.warn({ err: err.message }, 'worker heartbeat not written'))
  const observe = async (): Promise<Observation> => {
    const [pipeline, stored, retired, streams] = await Promise.all([stats.read(), countDeadLetters(sources.es, config.indexPrefix), redis.get(retiredLettersKey(config.queuePrefix)), sources.streams?.() ?? []])
    // Letters retention deleted still count: new letters are the growth of this sum, which deletions do not lower.
    const deadLetters = stored + Number(retired ?? 0)
    const byName = new Map(pipeline.queues.map(q => [q.queue, q]))
    const events = byName.get(QUEUES.events.name)
    const seal = byName.get(QUEUES.seal.name)
    const depth = events === undefined ? 0 : events.counts.waiting + events.counts.active + events.counts.delayed
    return {
      at: Date.now(),
      events: { depth, oldestWaitingAt: events?.oldestWaitingAt ?? null, failed: events?.counts.failed ?? 0 },
      ...(config.integrity ? { seal: { oldestWaitingAt: seal?.oldestWaitingAt ?? null, lastCheckpointAt: pipeline.lastCheckpointAt, checkpointMs: config.checkpointMs } } : {}),
      deadLetters,
      streams
    }
  }
  const selfWatch = await startSelfWatch(redis, config.queuePrefix, config.monitoring.watch, { observe, raise, log })
  const listener = await startWorkerListener(config, registry, {
    elasticsearch: async () => await sources.es.ping(),
    redis: async () => await redis.ping()
  })
  return {
    registry, metrics, raise,
    ...(listener === undefined ? {} : { port: listener.port }),
    runSelfWatchNow: selfWatch.runNow,
    close: async () => {
      await selfWatch.close()
      await listener?.close()
      await beating.stop()
      await stats.close()
    }
  }
}
