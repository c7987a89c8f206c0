import type { Es } from '../elasticsearch.ts'
import type { RetentionClass } from '../../events/retention-classes.ts'
import { parsePartition, type Partition } from './index-names.ts'
import { expiredPartitions } from './retention.ts'
import { Retirements } from './retirements.ts'

export interface SweepResult { deleted: string[], kept: number }

/** The names of the event indices (partitions), open or closed (or those in `states` only). */
export async function eventIndices (es: Es, prefix: string, states: Array<'open' | 'closed'> = ['open', 'closed']): Promise<string[]> {
  const rows = await es.cat.indices({ index: `${prefix}-events-*`, format: 'json', h: 'index', expand_wildcards: states })
  return rows.flatMap(r => r.index === undefined ? [] : [r.index])
}

/**
 * The retention ILM would apply, done by the service itself on clusters without ILM. Each partition is recorded
 * as retired before it is deleted, so verification counts its events as expired, not deleted.
 */
export async function sweepRetention (es: Es, prefix: string, retentionDays: Record<RetentionClass, number>, now: number): Promise<SweepResult> {
  const partitions = (await eventIndices(es, prefix))
    .map(index => parsePartition(prefix, index))
    .filter((p): p is Partition => p !== undefined)
  const expired = expiredPartitions(partitions, retentionDays, now)
  await new Retirements(es, prefix).record(expired, retentionDays, now)
  const deleted: string[] = []
  for (const p of expired) {
    await es.indices.delete({ index: p.index }, { ignore: [404] })
    deleted.push(p.index)
  }
  return { deleted, kept: partitions.length - deleted.length }
}
