import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'

/**
 * A queue whose only jobs are one scheduled job, named `job`, carrying no data: its scheduler makes one per
 * period across all workers (the worker reads what it needs when the job comes), and one runs at a time across
 * all workers: BullMQ makes the next period's job as soon as one starts, and a run longer than its period (the
 * entity store's rebuild after a retention sweep, on tens of millions of events) would otherwise overlap the next.
 */
export async function createPeriodicQueue<N extends string> (connection: Redis, prefix: string, policy: { name: string, job: JobsOptions }, job: N, everyMs: number): Promise<Queue<unknown, unknown, N>> {
  const queue = new Queue<unknown, unknown, N>(policy.name, { connection, prefix })
  await queue.setGlobalConcurrency(1)
  await queue.upsertJobScheduler(job, { every: everyMs }, { name: job, opts: policy.job })
  return queue
}
