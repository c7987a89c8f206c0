import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { DAY_MS, type RetentionClass } from '../../events/retention-classes.ts'
import { parsePartition, type Partition } from '../events/index-names.ts'
import { expiredPartitions } from '../events/retention.ts'
import { accessIndex } from './access-log.ts'
import { deadLetterIndex } from './dead-letters.ts'

export interface RecordsSwept { accessRecords: number, deadLetters: number }

/**
 * Retention of the service's own records that hold personal data, on every cluster (ILM manages event partitions
 * only): a dead letter goes when the partition its event was bound for expires, as the event would have gone had it
 * been stored, replayed or not; an access record is a security record, kept as long as the security class.
 */
export async function sweepRecords (es: Es, prefix: string, retentionDays: Record<RetentionClass, number>, now: number): Promise<RecordsSwept> {
  const before = new Date(now - retentionDays.security * DAY_MS).toISOString()
  const accessRecords = await deleteWhere(es, accessIndex(prefix), async () => ({ range: { '@timestamp': { lt: before } } }))
  const deadLetters = await deleteWhere(es, deadLetterIndex(prefix), async () => {
    const expired = expiredPartitions(await letterTargets(es, prefix), retentionDays, now).map(p => p.index)
    return expired.length === 0 ? undefined : { terms: { target_index: expired } }
  })
  return { accessRecords, deadLetters }
}

/** Deletes what the query matches, if the index exists (a worker may run before the API made the access log). */
async function deleteWhere (es: Es, index: string, query: () => Promise<estypes.QueryDslQueryContainer | undefined>): Promise<number> {
  if (!await es.indices.exists({ index })) return 0
  const q = await query()
  if (q === undefined) return 0
  return (await es.deleteByQuery({ index, conflicts: 'proceed', refresh: true, query: q })).deleted ?? 0
}

/** The partitions dead letters were bound for (one per class and month: a few hundred at most). */
async function letterTargets (es: Es, prefix: string): Promise<Partition[]> {
  const r = await es.search({
    index: deadLetterIndex(prefix), size: 0,
    aggs: { targets: { terms: { field: 'target_index', size: 10_000 } } }
  })
  const buckets = (r.aggregations?.targets as { buckets?: Array<{ key: string }> } | undefined)?.buckets ?? []
  return buckets.map(b => parsePartition(prefix, b.key)).filter((p): p is Partition => p !== undefined)
}
