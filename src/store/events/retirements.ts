import type { Es } from '../elasticsearch.ts'
import type { RetentionClass } from '../../events/retention-classes.ts'
import { detectCapabilities } from '../capabilities.ts'
import { ensureIndex } from '../system-index.ts'
import { parsePartition, type Partition } from './index-names.ts'
import { expiredPartitions } from './retention.ts'

export const retirementsIndex = (prefix: string): string => `${prefix}-system-retired-partitions`

/** What the sweep writes before it deletes a partition. */
export interface Retirement { index: string, class: RetentionClass, start: string, retention_days: number, retired_at: string }

const MAPPING = {
  dynamic: false as const,
  properties: { index: { type: 'keyword' as const }, class: { type: 'keyword' as const }, start: { type: 'date' as const }, retention_days: { type: 'integer' as const }, retired_at: { type: 'date' as const } }
}

/**
 * The partitions retention deleted, recorded by the sweep before each deletion, so that verification tells an
 * event retention removed from one removed by hand by what was done, not by the retention configured today (which
 * may have been raised since, or lowered with partitions not swept yet).
 */
export class Retirements {
  private readonly index: string
  private ilm: Promise<boolean> | undefined

  constructor (private readonly es: Es, private readonly prefix: string) {
    this.index = retirementsIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas })
  }

  /** Each record says the latest deletion: a partition made again by a late event and swept again is dated anew. */
  async record (partitions: readonly Partition[], retentionDays: Record<RetentionClass, number>, now: number): Promise<void> {
    if (partitions.length === 0) return
    const retiredAt = new Date(now).toISOString()
    const operations = partitions.flatMap(p => {
      const doc: Retirement = { index: p.index, class: p.cls, start: p.start.toISOString(), retention_days: retentionDays[p.cls], retired_at: retiredAt }
      return [{ index: { _index: this.index, _id: p.index } }, doc]
    })
    const r = await this.es.bulk({ operations, refresh: 'wait_for' })
    const failed = r.items.find(i => i.index?.error !== undefined)
    if (failed !== undefined) throw new Error(`retirements not recorded, so no partition was deleted: ${JSON.stringify(failed.index?.error)}`)
  }

  /**
   * Of these partitions, those retention removed, with when: gone from the cluster and recorded by the sweep; or, on a
   * cluster where ILM deletes them (it leaves no record here), gone and past the current retention (no date). A
   * partition still there is never retired: an event missing from it was deleted.
   */
  async among (indices: readonly string[], retentionDays: Record<RetentionClass, number>, now: number): Promise<Map<string, string | undefined>> {
    const out = new Map<string, string | undefined>()
    if (indices.length === 0) return out
    const present = await this.es.indices.get({ index: [...indices], ignore_unavailable: true, allow_no_indices: true, expand_wildcards: ['open', 'closed'], features: ['settings'] })
    const gone = indices.filter(i => !(i in present))
    if (gone.length === 0) return out
    const recorded = await this.es.mget<Retirement>({ index: this.index, ids: gone, _source: ['retired_at'] }, { ignore: [404] })
    for (const d of recorded.docs ?? []) if ('found' in d && d.found && d._source !== undefined) out.set(d._id, d._source.retired_at)
    this.ilm ??= detectCapabilities(this.es).then(c => c.ilm)
    if (await this.ilm) {
      const partitions = gone.filter(i => !out.has(i)).map(i => parsePartition(this.prefix, i)).filter((p): p is Partition => p !== undefined)
      for (const p of expiredPartitions(partitions, retentionDays, now)) out.set(p.index, undefined)
    }
    return out
  }
}
