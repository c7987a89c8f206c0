import type { Redis } from 'ioredis'
import type { EventsQueue } from './events-queue.ts'

/** Jobs read per list; past it the oldest time is unknown (an outage of this size shows elsewhere). */
const MAX_SCANNED = 10_000

/**
 * When the oldest ingest job not yet finished was queued (waiting, active, delayed for a retry or paused), or
 * `now` when none is; 0 (unknown: nothing is below the horizon for sure) when a list holds more jobs than are
 * read. Every list is read whole: a job back from a retry's delay is put at the newest end of `wait`, so the end
 * jobs are taken from is not the oldest. Only job ids and their `timestamp` field are read, never their events.
 */
export async function oldestPendingIngest (redis: Redis, queue: EventsQueue, now: number): Promise<number> {
  // One transaction: a job moving between lists meanwhile is seen in one of them.
  const replies = await redis.multi()
    .lrange(queue.toKey('wait'), 0, MAX_SCANNED)
    .lrange(queue.toKey('paused'), 0, MAX_SCANNED)
    .lrange(queue.toKey('active'), 0, MAX_SCANNED)
    .zrange(queue.toKey('delayed'), 0, MAX_SCANNED)
    .zrange(queue.toKey('prioritized'), 0, MAX_SCANNED)
    .exec()
  if (replies === null) throw new Error('queue snapshot aborted')
  const failed = replies.find(([err]) => err !== null)
  if (failed !== undefined) throw failed[0] as Error
  const lists = replies.map(([, v]) => v as string[])
  if (lists.some(l => l.length > MAX_SCANNED)) return 0
  const ids = [...new Set(lists.flat())]
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
