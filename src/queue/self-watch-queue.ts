import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'
import { createPeriodicQueue } from './periodic-queue.ts'

/** The pipeline's look at itself: `self-watch` jobs carry no data, the state is kept in Redis beside them. */
export type SelfWatchJobName = 'self-watch'
export type SelfWatchQueue = Queue<unknown, unknown, SelfWatchJobName>

/** The self-watch queue, its scheduler making one run per period across all workers. */
export async function createSelfWatchQueue (connection: Redis, prefix: string, everyMs: number): Promise<SelfWatchQueue> {
  return await createPeriodicQueue(connection, prefix, QUEUES.selfWatch, 'self-watch', everyMs)
}
