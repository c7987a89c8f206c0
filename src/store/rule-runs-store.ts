import type { Es } from './elasticsearch.ts'
import { ensureIndex } from './system-index.ts'
import { tenantFilter } from './versioned-docs.ts'
import type { RuleRun } from '../watch/run-schema.ts'

export const ruleRunsIndex = (prefix: string): string => `${prefix}-system-rule-runs`

/**
 * The run log of watch rules: one document per attempt. It is also where a run learns where to start: the
 * end (`until`) of the rule's last successful run.
 */
export class RuleRunsStore {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = ruleRunsIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, {
      dynamic: false,
      properties: {
        rule_id: { type: 'keyword' }, tenant: { type: 'keyword' }, status: { type: 'keyword' }, job_id: { type: 'keyword' },
        started_at: { type: 'date' }, finished_at: { type: 'date' }, until: { type: 'date' }, duration_ms: { type: 'long' }
      }
    }, { replicas })
  }

  /** Written with a refresh, so the next run (on any worker) finds it. */
  async record (run: RuleRun): Promise<void> {
    await this.es.index({ index: this.index, id: run.id, document: run, refresh: 'wait_for' })
  }

  async lastSucceeded (ruleId: string): Promise<RuleRun | undefined> {
    const r = await this.es.search<RuleRun>({
      index: this.index, size: 1, sort: [{ until: 'desc' }],
      query: { bool: { filter: [{ term: { rule_id: ruleId } }, { term: { status: 'succeeded' } }] } }
    })
    return r.hits.hits[0]?._source
  }

  /** A rule's runs, newest first. */
  async list (tenant: string | null, ruleId: string, size: number, status?: string): Promise<RuleRun[]> {
    const r = await this.es.search<RuleRun>({
      index: this.index, size, sort: [{ started_at: 'desc' }, { finished_at: 'desc' }],
      query: { bool: { filter: [tenantFilter(tenant), { term: { rule_id: ruleId } }, ...(status === undefined ? [] : [{ term: { status } }])] } }
    })
    return r.hits.hits.map(h => h._source as RuleRun)
  }
}
