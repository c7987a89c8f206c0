import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { QUEUES } from '../queue/policy.ts'
import { createSelfWatchQueue } from '../queue/self-watch-queue.ts'
import type { WatchBounds } from '../config/monitoring-config.ts'
import { watch, type Observation, type WatchState } from '../monitor/self-watch.ts'
import type { RaiseSystemAlert } from '../monitor/system-alert.ts'

export interface SelfWatchDeps {
  /** Takes one look at the pipeline (queues, dead letters, streams). */
  observe: () => Promise<Observation>
  raise: RaiseSystemAlert
  log: Logger
}

/**
 * Runs the self-watch on a job scheduler: one run per period across every worker, so an alert is raised once
 * whatever the number of workers. Its memory (counts seen, conditions firing) is kept in Redis; it is saved only
 * after the alerts are raised, so a run that fails to raise one is raised again by the next run.
 */
export async function startSelfWatch (connection: Redis, prefix: string, bounds: WatchBounds, deps: SelfWatchDeps): Promise<{ close: () => Promise<void>, runNow: () => Promise<void> }> {
  const key = `${prefix}:selfwatch:state`
  const queue = await createSelfWatchQueue(connection, prefix, bounds.everyMs)
  const run = async (): Promise<void> => {
    const saved = await connection.get(key)
    const previous = saved === null ? undefined : JSON.parse(saved) as WatchState
    const result = watch(previous, await deps.observe(), bounds)
    for (const alert of result.raised) await deps.raise(alert)
    for (const resolved of result.resolved) deps.log.info({ condition: resolved }, 'system condition over')
    await connection.set(key, JSON.stringify(result.state))
  }
  const worker = new Worker(QUEUES.selfWatch.name, run, { connection, prefix, concurrency: 1 })
  worker.on('error', err => deps.log.error({ err }, 'self-watch worker error'))
  worker.on('failed', (_job, err) => deps.log.warn({ err: err.message }, 'self-watch run failed; the next run tries again'))
  return {
    runNow: run,
    close: async () => {
      await worker.close()
      await queue.close()
    }
  }
}
