import type { Redis } from 'ioredis'
import type { Es } from '../store/elasticsearch.ts'
import type { EntitiesStore } from '../store/events/entities-store.ts'
import { EventsScanner } from '../store/events/events-scan.ts'
import { eventIndices } from '../store/events/retention-sweep.ts'
import { rebuildEntities, type RebuildReport } from '../entities/rebuild.ts'
import { DEFAULT_GRACE_MS } from './entity-updater.ts'

/** A member of the set of partitions seen that names none, so that a set lost (Redis emptied) is told from an empty one. */
const MARK = '-'

/**
 * Keeps the entity store from outliving the events: when event partitions have gone since the last look
 * (deleted by the retention sweep or by ILM), the store is rebuilt so that it forgets what they taught it
 * (addresses, places, first times of users whose events expired, tenants whose events all expired). Partitions
 * seen are kept in Redis; if that record is lost while the store holds entities, partitions may have gone
 * unseen meanwhile, so the store is rebuilt once too (`lost`).
 */
export async function forgetExpired (es: Es, redis: Redis, keyPrefix: string, prefix: string, store: EntitiesStore, log: (line: string) => void): Promise<{ gone: string[], lost?: true, report?: RebuildReport }> {
  const key = `${keyPrefix}:entities:partitions`
  const now = await eventIndices(es, prefix)
  const recorded = await redis.exists(key) === 1
  const before = (await redis.smembers(key)).filter(m => m !== MARK)
  const present = new Set(now)
  const gone = before.filter(index => !present.has(index))
  const lost = !recorded && await store.count({ bool: { must_not: [{ term: { kind: 'meta' } }] } }) > 0
  let report: RebuildReport | undefined
  if (gone.length > 0 || lost) report = await rebuildEntities(es, prefix, store, new EventsScanner(es, prefix), { graceMs: DEFAULT_GRACE_MS, forget: true, log })
  // Written once the rebuild is done: a failed one is tried again at the next run.
  await redis.multi().del(key).sadd(key, MARK, ...now).exec()
  return { gone, ...(lost ? { lost } : {}), ...(report === undefined ? {} : { report }) }
}
