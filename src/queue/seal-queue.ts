import { Queue, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { SignedCheckpoint } from '../integrity/checkpoint.ts'
import type { SealResult } from '../integrity/types.ts'
import { QUEUES } from './policy.ts'
import type { SealJobData } from './seal-payload.ts'

/** `seal`: stored events to append to their tenants' logs; `checkpoint`: sign every log's head. */
export type SealJobName = 'seal' | 'checkpoint'
export type SealJobResult = SealResult | SignedCheckpoint[]
export type SealQueue = Queue<SealJobData, SealJobResult, SealJobName>
export type SealJob = Job<SealJobData, SealJobResult, SealJobName>

/**
 * The seal queue: one job at a time across every worker process (global concurrency 1), checkpoints on a job
 * scheduler in the same queue, so they are ordered with the seals.
 */
export async function createSealQueue (connection: Redis, prefix: string, checkpointMs: number): Promise<SealQueue> {
  const queue: SealQueue = new Queue<SealJobData, SealJobResult, SealJobName>(QUEUES.seal.name, { connection, prefix, defaultJobOptions: QUEUES.seal.job })
  await queue.setGlobalConcurrency(QUEUES.seal.globalConcurrency)
  await queue.upsertJobScheduler('checkpoint', { every: checkpointMs }, { name: 'checkpoint', data: {}, opts: QUEUES.seal.checkpoint })
  return queue
}
