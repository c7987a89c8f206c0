import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'

/** Job name of exports on the queue; the expiry sweep shares the queue under its own name. */
export const EXPORT_JOB = 'export'
export const CLEANUP_JOB = 'cleanup'

/**
 * The exports queue. Its payload and result are the export service's (export/jobs.ts: the request with its
 * owner, dates and size estimate; the file and its digests), typed by the caller since their schemas live there.
 */
export type ExportsQueue<Data, Result> = Queue<Data, Result, string>

export function createExportsQueue<Data, Result> (connection: Redis, prefix: string): ExportsQueue<Data, Result> {
  return new Queue<Data, Result, string>(QUEUES.exports.name, { connection, prefix, defaultJobOptions: QUEUES.exports.job })
}
