import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'

export const WATCHED_QUEUES = [QUEUES.events.name, QUEUES.seal.name, QUEUES.exports.name] as const
export type WatchedQueue = typeof WATCHED_QUEUES[number]
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const
export type JobState = typeof STATES[number]

export interface QueueStats {
  queue: WatchedQueue
  counts: Record<JobState, number>
  /** When the oldest job still waiting was added (ms since the epoch); null when none waits. */
  oldestWaitingAt: number | null
}

export interface PipelineStats {
  queues: QueueStats[]
  /** When the last checkpoint job finished (whether or not a log grew); null when none has yet. */
  lastCheckpointAt: number | null
}

/**
 * Reads the state of the service's queues for metrics, readiness and the self-watch: counts per state, the age
 * of the oldest waiting job, the last checkpoint run. Jobs are not loaded (an ingest job holds up to 1,000
 * events): the oldest waiting id is the tail of the wait list, its time one field of its hash.
 */
export class QueueStatsReader {
  private readonly queues: Map<WatchedQueue, Queue>

  constructor (private readonly redis: Redis, prefix: string) {
    this.queues = new Map(WATCHED_QUEUES.map(name => [name, new Queue(name, { connection: redis, prefix })]))
  }

  async read (): Promise<PipelineStats> {
    const queues = await Promise.all([...this.queues].map(async ([name, queue]) => await this.readOne(name, queue)))
    const seal = this.queues.get(QUEUES.seal.name) as Queue
    // Seal jobs are removed on completion: the completed set holds checkpoint runs only, scored by when they finished.
    const last = await this.redis.zrevrange(seal.toKey('completed'), 0, 0, 'WITHSCORES')
    return { queues, lastCheckpointAt: last[1] === undefined ? null : Number(last[1]) }
  }

  private async readOne (name: WatchedQueue, queue: Queue): Promise<QueueStats> {
    const counts = await queue.getJobCounts(...STATES) as Record<JobState, number>
    for (const s of STATES) counts[s] ??= 0
    const id = await this.redis.lindex(queue.toKey('wait'), -1)
    const at = id === null ? null : await this.redis.hget(queue.toKey(id), 'timestamp')
    return { queue: name, counts, oldestWaitingAt: at === null || at === undefined ? null : Number(at) }
  }

  async close (): Promise<void> {
    await Promise.all([...this.queues.values()].map(async q => { await q.close() }))
  }
}
