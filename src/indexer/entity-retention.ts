import type { Redis } from 'ioredis'
import type { Es } from '../store/elasticsearch.ts'
import type { EntitiesStore } from '../store/events/entities-store.ts'
import { EventsScanner } from '../store/events/events-scan.ts'
import { eventIndices } from '../store/events/retention-sweep.ts'
import { rebuildEntities, type RebuildReport } from '../entities/rebuild.ts'
import { DEFAULT_GRACE_MS } from './entity-updater.ts'

/**
 * Keeps the entity store from outliving the events: when event partitions have gone since the last look
 * (deleted by the retention sweep or by ILM), the store is rebuilt so that it forgets what they taught it
 * (addresses, places, first times of users whose events expired). Partitions seen are kept in Redis.
 */
export async function forgetExpired (es: Es, redis: Redis, keyPrefix: string, prefix: string, store: EntitiesStore, log: (line: string) => void): Promise<{ gone: string[], report?: RebuildReport }> {
  const key = `${keyPrefix}:entities:partitions`
  const now = await eventIndices(es, prefix)
  const before = await redis.smembers(key)
  const present = new Set(now)
  const gone = before.filter(index => !present.has(index))
  let report: RebuildReport | undefined
  if (gone.length > 0) report = await rebuildEntities(es, prefix, store, new EventsScanner(es, prefix), { graceMs: DEFAULT_GRACE_MS, forget: true, log })
  // Written once the rebuild is done: a failed one is tried again at the next run.
  const multi = redis.multi().del(key)
  if (now.length > 0) multi.sadd(key, ...now)
  await multi.exec()
  return { gone, ...(report === undefined ? {} : { report }) }
}
