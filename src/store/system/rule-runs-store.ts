import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'
import { tenantFilter } from './versioned-docs.ts'

export const ruleRunsIndex = (prefix: string): string => `${prefix}-system-rule-runs`

const MAPPING = {
  dynamic: false as const,
  properties: {
    rule_id: { type: 'keyword' as const }, tenant: { type: 'keyword' as const }, status: { type: 'keyword' as const }, job_id: { type: 'keyword' as const },
    started_at: { type: 'date' as const }, finished_at: { type: 'date' as const }, until: { type: 'date' as const }, duration_ms: { type: 'long' as const },
    sequence: { type: 'long' as const }
  }
}

/** The last successful run first. */
const LAST_FIRST: estypes.SortCombinations[] = [{ sequence: { order: 'desc', missing: '_last' } }, { until: 'desc' }, { started_at: 'desc' }]

/**
 * The run log of watch rules: one document per attempt (`Run`: as the rule runner records it). It is also
 * where a run learns where to start: from the rule's last successful run, the highest `sequence` (runs logged
 * before it had one: the latest `until`, then the latest started).
 */
export class RuleRunsStore<Run extends { id: string }> {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = ruleRunsIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas })
    // An index made before `sequence` was mapped gets it; new fields only, so this changes nothing else.
    await this.es.indices.putMapping({ index: this.index, properties: MAPPING.properties })
  }

  /**
   * Written with a refresh of the run log at once, so the next run (on any worker) finds it and the rule's list shows
   * it: tens of milliseconds, where waiting for the periodic refresh held each run up to a second.
   */
  async record (run: Run): Promise<void> {
    await this.es.index({ index: this.index, id: run.id, document: run, refresh: VISIBLE_NOW })
  }

  async lastSucceeded (ruleId: string): Promise<Run | undefined> {
    const r = await this.es.search<Run>({
      index: this.index, size: 1, sort: LAST_FIRST,
      query: { bool: { filter: [{ term: { rule_id: ruleId } }, { term: { status: 'succeeded' } }] } }
    })
    return r.hits.hits[0]?._source
  }

  /** Deletes the runs that ended before `before` (ISO time); the last successful run of each rule is kept. */
  async prune (before: string): Promise<number> {
    const r = await this.es.deleteByQuery({
      index: this.index, conflicts: 'proceed', refresh: true,
      query: { bool: { filter: [{ range: { finished_at: { lt: before } } }], must_not: [{ ids: { values: await this.latestSucceeded() } }] } }
    })
    return r.deleted ?? 0
  }

  /** The id of each rule's last successful run: where its next run starts. */
  private async latestSucceeded (): Promise<string[]> {
    const r = await this.es.search({
      index: this.index, size: 0, query: { term: { status: 'succeeded' } },
      aggs: { rules: { terms: { field: 'rule_id', size: 10_000 }, aggs: { last: { top_hits: { size: 1, sort: LAST_FIRST, _source: false } } } } }
    })
    const buckets = (r.aggregations?.rules as { buckets?: Array<{ last: { hits: { hits: Array<{ _id?: string }> } } }> } | undefined)?.buckets ?? []
    return buckets.flatMap(b => b.last.hits.hits.map(h => h._id as string))
  }

  /** The latest run (of any status) of each of these rules that has one. */
  async latest (tenant: string | null, ruleIds: readonly string[]): Promise<Map<string, Run>> {
    if (ruleIds.length === 0) return new Map()
    const r = await this.es.search({
      index: this.index, size: 0,
      query: { bool: { filter: [tenantFilter(tenant), { terms: { rule_id: [...ruleIds] } }] } },
      aggs: { rules: { terms: { field: 'rule_id', size: ruleIds.length }, aggs: { last: { top_hits: { size: 1, sort: [{ started_at: 'desc' }, { finished_at: 'desc' }] } } } } }
    })
    const buckets = (r.aggregations?.rules as { buckets?: Array<{ key: string, last: { hits: { hits: Array<{ _source?: Run }> } } }> } | undefined)?.buckets ?? []
    return new Map(buckets.flatMap(b => { const run = b.last.hits.hits[0]?._source; return run === undefined ? [] : [[b.key, run]] }))
  }

  /** A rule's runs, newest first. */
  async list (tenant: string | null, ruleId: string, size: number, status?: string): Promise<Run[]> {
    const r = await this.es.search<Run>({
      index: this.index, size, sort: [{ started_at: 'desc' }, { finished_at: 'desc' }],
      query: { bool: { filter: [tenantFilter(tenant), { term: { rule_id: ruleId } }, ...(status === undefined ? [] : [{ term: { status } }])] } }
    })
    return r.hits.hits.map(h => h._source as Run)
  }
}
