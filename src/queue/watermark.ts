import type { Redis } from 'ioredis'
import type { EventsQueue } from './events-queue.ts'

/** Jobs read in one go past which the oldest time is taken from those read (an outage of this size shows elsewhere). */
const MAX_SCANNED = 10_000

/**
 * When the oldest ingest job not yet finished was queued (waiting, active, delayed for a retry or paused), or
 * `now` when none is. Only job ids and their `timestamp` field are read, never their events.
 */
export async function oldestPendingIngest (redis: Redis, queue: EventsQueue, now: number): Promise<number> {
  // One transaction: a job moving between lists meanwhile is seen in one of them.
  const replies = await redis.multi()
    .lindex(queue.toKey('wait'), -1)
    .lindex(queue.toKey('paused'), -1)
    .lrange(queue.toKey('active'), 0, MAX_SCANNED - 1)
    .zrange(queue.toKey('delayed'), 0, MAX_SCANNED - 1)
    .zrange(queue.toKey('prioritized'), 0, MAX_SCANNED - 1)
    .exec()
  if (replies === null) throw new Error('queue snapshot aborted')
  const failed = replies.find(([err]) => err !== null)
  if (failed !== undefined) throw failed[0] as Error
  const ids = [...new Set(replies.flatMap(([, v]) => Array.isArray(v) ? v as string[] : typeof v === 'string' ? [v] : []))]
  let oldest = now
  for (let i = 0; i < ids.length; i += 500) {
    const pipeline = redis.pipeline()
    for (const id of ids.slice(i, i + 500)) pipeline.hget(queue.toKey(id), 'timestamp')
    for (const [err, at] of await pipeline.exec() ?? []) {
      if (err === null && typeof at === 'string') oldest = Math.min(oldest, Number(at))
    }
  }
  return oldest
}
