import type { Es } from '../elasticsearch.ts'
import type { RetentionClass } from '../../events/retention-classes.ts'
import { ensureIndex } from '../system-index.ts'
import { parsePartition, type Partition } from './index-names.ts'
import { expiredPartitions } from './retention.ts'

export const retirementsIndex = (prefix: string): string => `${prefix}-system-retired-partitions`

/** What the sweep writes before it deletes a partition. */
export interface Retirement { index: string, class: RetentionClass, start: string, retention_days: number, retired_at: string }

/**
 * The partitions retention deleted, recorded by the sweep before each deletion, so that verification tells an
 * event retention removed from one removed by hand by what was done, not by the retention configured today (which
 * may have been raised since, or lowered with partitions not swept yet).
 */
export class Retirements {
  private readonly index: string

  constructor (private readonly es: Es, private readonly prefix: string) {
    this.index = retirementsIndex(prefix)
  }

  async record (partitions: readonly Partition[], retentionDays: Record<RetentionClass, number>, now: number): Promise<void> {
    if (partitions.length === 0) return
    await ensureIndex(this.es, this.index, {
      dynamic: false,
      properties: { index: { type: 'keyword' }, class: { type: 'keyword' }, start: { type: 'date' }, retention_days: { type: 'integer' }, retired_at: { type: 'date' } }
    }, { replicas: 0 })
    const retiredAt = new Date(now).toISOString()
    const operations = partitions.flatMap(p => {
      const doc: Retirement = { index: p.index, class: p.cls, start: p.start.toISOString(), retention_days: retentionDays[p.cls], retired_at: retiredAt }
      // The first record stays: a partition deleted, recreated by a late event and deleted again keeps its first date.
      return [{ create: { _index: this.index, _id: p.index } }, doc]
    })
    const r = await this.es.bulk({ operations, refresh: 'wait_for' })
    const failed = r.items.filter(i => i.create?.error !== undefined && i.create.status !== 409)
    if (failed.length > 0) throw new Error(`retirements not recorded: ${JSON.stringify(failed[0]?.create?.error)}`)
  }

  /**
   * Of these partitions, those retention removed: gone from the cluster, and either recorded by the sweep or, where
   * ILM deletes them (it leaves no record here), past the current retention. A partition still there is never
   * retired: an event missing from it was deleted.
   */
  async among (indices: readonly string[], retentionDays: Record<RetentionClass, number>, now: number): Promise<Set<string>> {
    if (indices.length === 0) return new Set()
    const present = await this.es.indices.get({ index: [...indices], ignore_unavailable: true, allow_no_indices: true, expand_wildcards: ['open', 'closed'], features: ['settings'] })
    const gone = indices.filter(i => !(i in present))
    if (gone.length === 0) return new Set()
    const recorded = await this.es.mget<Retirement>({ index: this.index, ids: gone, _source: false }, { ignore: [404] })
    const found = new Set((recorded.docs ?? []).flatMap(d => 'found' in d && d.found ? [d._id] : []))
    const partitions = gone.map(i => parsePartition(this.prefix, i)).filter((p): p is Partition => p !== undefined)
    for (const p of expiredPartitions(partitions, retentionDays, now)) found.add(p.index)
    return new Set(gone.filter(i => found.has(i)))
  }
}
