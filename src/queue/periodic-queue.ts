import { Queue, type JobsOptions } from 'bullmq'
import type { Redis } from 'ioredis'

/**
 * A queue whose only jobs are one scheduled job, named `job`, carrying no data: its scheduler makes one per
 * period across all workers (the worker reads what it needs when the job comes).
 */
export async function createPeriodicQueue<N extends string> (connection: Redis, prefix: string, policy: { name: string, job: JobsOptions }, job: N, everyMs: number): Promise<Queue<unknown, unknown, N>> {
  const queue = new Queue<unknown, unknown, N>(policy.name, { connection, prefix })
  await queue.upsertJobScheduler(job, { every: everyMs }, { name: job, opts: policy.job })
  return queue
}
