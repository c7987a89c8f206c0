import { Gauge, type Registry } from 'prom-client'
import type { PipelineStats } from '../queue/queue-stats.ts'

export interface PipelineSources {
  stats: () => Promise<PipelineStats>
  /** Workers with a recent heartbeat; absent in processes that do not look. */
  workers?: () => Promise<number>
  integrity: boolean
  now?: () => number
}

/**
 * Gauges read from Redis when scraped (one read for all of them, however many are asked): queue depth per
 * state, age of the oldest waiting job, sealing lag and the age of the last checkpoint run.
 */
export function registerPipelineGauges (registry: Registry, sources: PipelineSources): void {
  const now = sources.now ?? Date.now
  let pending: Promise<PipelineStats | null> | undefined
  // The gauges of one scrape share one read; Redis away leaves them empty and sillage_pipeline_stats_up at 0.
  const stats = async (): Promise<PipelineStats | null> => {
    pending ??= sources.stats().catch(() => null).finally(() => { setImmediate(() => { pending = undefined }) })
    return await pending
  }
  const registers = [registry]
  new Gauge({ name: 'sillage_pipeline_stats_up', help: '1 when the queue state could be read from Redis for this scrape, else 0', registers, async collect () { this.set((await stats()) === null ? 0 : 1) } })
  new Gauge({
    name: 'sillage_queue_jobs', help: 'Jobs per queue and state (an ingest job holds one request\'s events)', labelNames: ['queue', 'state'], registers,
    async collect () {
      this.reset()
      for (const q of (await stats())?.queues ?? []) for (const [state, n] of Object.entries(q.counts)) this.set({ queue: q.queue, state }, n)
    }
  })
  new Gauge({
    name: 'sillage_queue_oldest_waiting_seconds', help: 'Age of the oldest job waiting in each queue (0 when none waits); for the seal queue, the sealing lag', labelNames: ['queue'], registers,
    async collect () {
      this.reset()
      for (const q of (await stats())?.queues ?? []) this.set({ queue: q.queue }, q.oldestWaitingAt === null ? 0 : Math.max(0, now() - q.oldestWaitingAt) / 1000)
    }
  })
  if (sources.integrity) {
    new Gauge({
      name: 'sillage_integrity_last_checkpoint_age_seconds', help: 'Time since the last checkpoint run finished (it signs a checkpoint for every log that grew); absent before the first', registers,
      async collect () {
        const at = (await stats())?.lastCheckpointAt ?? null
        if (at === null) this.reset()
        else this.set(Math.max(0, now() - at) / 1000)
      }
    })
  }
  const workers = sources.workers
  if (workers !== undefined) {
    new Gauge({ name: 'sillage_workers_alive', help: 'Workers with a recent heartbeat in Redis', registers, async collect () { this.set(await workers().catch(() => 0)) } })
  }
}
