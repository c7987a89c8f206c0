import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'
import { tenantFilter } from './versioned-docs.ts'
import { searchPage } from '../search-pages.ts'

export const alertsIndex = (prefix: string): string => `${prefix}-system-alerts`

const keyword = { type: 'keyword' as const }
const date = { type: 'date' as const }
// The figure and the history are kept whole but not indexed: alerts are found by the fields below.
const MAPPING: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    id: keyword, tenant: keyword, rule_id: keyword, rule_name: keyword, system: keyword, kind: keyword, severity: keyword, status: keyword,
    group: keyword, group_field: keyword, dedup_key: keyword, evidence: keyword,
    first_event_at: date, last_event_at: date, created_at: date, updated_at: date, last_seen_at: date,
    repeats: { type: 'integer' }, notified: { type: 'boolean' }
  }
}

export interface AlertFilter {
  tenant: string | null
  status?: string[]
  severity?: string[]
  ruleId?: string
  system?: string
  group?: string
  groupField?: string
  /** Alerts grouped by none of these fields (a group filter from a reader who sees them masked). */
  groupFieldNotIn?: string[]
  /** Groups of fields under none of these roots (free text, the client's details). */
  groupFieldNotUnder?: string[]
  from?: string
  to?: string
}

/** An alert as read, with the sequence number and primary term a compare-and-set write gives back. */
export type CasAlert<Stored> = Stored & { id: string, seq: number, term: number }

export class StaleAlert extends Error {}

/**
 * Alerts, one document each; updates are compare-and-set, so two status changes never overwrite each other.
 * `Stored` is the alert as the alert service keeps it (without its id, which is the document's).
 */
export class AlertsStore<Stored extends object> {
  readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = alertsIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas })
  }

  /** Written without waiting for searches to see it: raising many alerts in a run, see `refresh`. */
  async create (id: string, doc: Stored): Promise<Stored & { id: string }> {
    // The id is kept in the document too: it breaks ties in the sort (sorting on _id is off in Elasticsearch 9).
    await this.es.create({ index: this.index, id, document: { ...doc, id } })
    return { ...doc, id }
  }

  /** Removes an alert no key points to (one whose raise lost a race). */
  async delete (id: string): Promise<void> {
    await this.es.delete({ index: this.index, id }, { ignore: [404] })
  }

  /** Makes every write so far visible to searches (once, after a run's alerts, rather than once per write). */
  async refresh (): Promise<void> {
    await this.es.indices.refresh({ index: this.index })
  }

  async get (id: string): Promise<CasAlert<Stored> | undefined> {
    const r = await this.es.get<Stored>({ index: this.index, id }, { ignore: [404] })
    return r.found && r._source !== undefined ? { ...r._source, id, seq: r._seq_no as number, term: r._primary_term as number } : undefined
  }

  /**
   * Writes the alert if it is still at the sequence number read; StaleAlert otherwise. `searchable`: return once
   * searches see it (a person's change, listed right after); else at once.
   */
  async replace (a: CasAlert<Stored>, doc: Stored, { searchable }: { searchable: boolean }): Promise<Stored & { id: string }> {
    try {
      await this.es.index({ index: this.index, id: a.id, document: { ...doc, id: a.id }, if_seq_no: a.seq, if_primary_term: a.term, ...(searchable ? { refresh: VISIBLE_NOW } : {}) })
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) throw new StaleAlert('the alert changed meanwhile')
      throw err
    }
    return { ...doc, id: a.id }
  }

  /** Newest first; `after` is the sort of the last alert of the previous page. */
  async search (f: AlertFilter, size: number, after?: estypes.SortResults): Promise<{ alerts: Array<Stored & { id: string }>, total: number, last: estypes.SortResults | undefined }> {
    const { hits, response: r, next } = await searchPage<Stored>(this.es, {
      index: this.index, size, track_total_hits: true, query: { bool: { filter: filterOf(f) } },
      sort: [{ created_at: 'desc' }, { id: 'asc' }]
    }, after === undefined ? {} : { after })
    const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
    return { alerts: hits.map(h => ({ ...(h._source as Stored), id: h._id as string })), total, last: next }
  }
}

function filterOf (f: AlertFilter): estypes.QueryDslQueryContainer[] {
  const out: estypes.QueryDslQueryContainer[] = [tenantFilter(f.tenant)]
  if (f.status !== undefined) out.push({ terms: { status: f.status } })
  if (f.severity !== undefined) out.push({ terms: { severity: f.severity } })
  if (f.ruleId !== undefined) out.push({ term: { rule_id: f.ruleId } })
  if (f.system !== undefined) out.push({ term: { system: f.system } })
  if (f.group !== undefined) out.push({ term: { group: f.group } })
  if (f.groupField !== undefined) out.push({ term: { group_field: f.groupField } })
  if (f.groupFieldNotIn !== undefined) out.push({ bool: { must_not: [{ terms: { group_field: f.groupFieldNotIn } }] } })
  if (f.groupFieldNotUnder !== undefined) out.push({ bool: { must_not: f.groupFieldNotUnder.flatMap(root => [{ term: { group_field: root } }, { prefix: { group_field: `${root}.` } }]) } })
  if (f.from !== undefined || f.to !== undefined) out.push({ range: { created_at: { ...(f.from === undefined ? {} : { gte: f.from }), ...(f.to === undefined ? {} : { lte: f.to }) } } })
  return out
}
