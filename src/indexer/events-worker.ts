import { Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { EventsJob } from '../queue/events-queue.ts'
import { QUEUES, cappedExponentialBackoff } from '../queue/policy.ts'
import type { BulkBatcher, SubmitResult } from './bulk-batcher.ts'

export interface EventsWorkerOptions {
  prefix: string
  concurrency: number
  lockMs: number
}

/** Consumes ingest jobs; each job's events go through the shared bulk batcher. */
export function createEventsWorker (connection: Redis, batcher: BulkBatcher, options: EventsWorkerOptions): Worker<EventsJob, SubmitResult, 'index'> {
  return new Worker<EventsJob, SubmitResult, 'index'>(
    QUEUES.events.name,
    async (job: Job<EventsJob, SubmitResult, 'index'>) => await batcher.submit(job.data.events),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      // A worker killed mid-batch loses its lock after lockMs; its jobs are then picked up again.
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
      maxStalledCount: 1000,
      settings: { backoffStrategy: cappedExponentialBackoff }
    }
  )
}
