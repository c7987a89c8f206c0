import type { SavedSearch, SavedSearchInput } from './schema.ts'
import { andKql, filtersToKql, kqlValue } from './filters-to-kql.ts'

/** Kibana's saved object of type `search`, as its saved objects API exchanges it (NDJSON, one per line). */
export interface KibanaSearchObject {
  id: string
  type: 'search'
  attributes: {
    title: string
    description?: string
    columns?: string[]
    sort?: Array<[string, string]>
    timeRestore?: boolean
    timeRange?: { from: string, to: string }
    kibanaSavedObjectMeta: { searchSourceJSON: string }
    [other: string]: unknown
  }
  references: Array<{ id: string, name: string, type: string }>
  [other: string]: unknown
}

interface KibanaFilter {
  meta?: { type?: string, key?: string, params?: unknown, negate?: boolean, disabled?: boolean, alias?: string | null }
  query?: unknown
  exists?: { field?: string }
  [other: string]: unknown
}

export const INDEX_PATTERN_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index'
const SORT_NAMES: Record<string, string> = { time: '@timestamp', importance: 'audit.importance.score', amount: 'audit.money.amount' }

/** A saved search as a Kibana `search` object: every filter travels inside the KQL query, the period as a time range. */
export function toKibana (s: SavedSearch, dataViewId: string): { object: KibanaSearchObject, notes: string[] } {
  const { kql, notes } = s.filters === undefined ? { kql: '', notes: [] } : filtersToKql(s.filters)
  const period = s.filters?.period
  const timeRange = s.timeRange ?? (period?.from === undefined ? undefined : { from: period.from, to: period.to ?? 'now' })
  if (s.grouping !== undefined) notes.push('the grouping has no place in a Kibana search and was left out')
  if (s.timeRange?.timeZone !== undefined || period?.timeZone !== undefined) notes.push('Kibana takes the time zone from the browser, not from the search')
  const searchSource = {
    query: { query: andKql(s.query, kql), language: 'kuery' },
    filter: [],
    indexRefName: INDEX_PATTERN_REF
  }
  return {
    object: {
      id: s.id,
      type: 'search',
      attributes: {
        title: s.name,
        description: s.description ?? '',
        columns: s.columns ?? [],
        sort: (s.sort ?? []).map(x => [SORT_NAMES[x.field] ?? x.field, x.order ?? 'desc']),
        ...(timeRange === undefined ? { timeRestore: false } : { timeRestore: true, timeRange: { from: timeRange.from, to: timeRange.to ?? 'now' } }),
        kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(searchSource) }
      },
      references: [{ id: dataViewId, name: INDEX_PATTERN_REF, type: 'index-pattern' }]
    },
    notes
  }
}

/** The KQL twin of one Kibana filter pill, or why there is none. */
function filterToKql (f: KibanaFilter): { kql?: string, problem?: string } {
  const meta = f.meta ?? {}
  if (meta.disabled === true) return {}
  const key = meta.key ?? f.exists?.field
  let kql: string | undefined
  if (meta.type === 'phrase' && key !== undefined) {
    const v = (meta.params as { query?: unknown } | undefined)?.query
    if (typeof v === 'string' || typeof v === 'number') kql = `${key}:${kqlValue(v)}`
  } else if (meta.type === 'phrases' && key !== undefined && Array.isArray(meta.params) && meta.params.length > 0) {
    kql = `${key}:(${(meta.params as Array<string | number>).map(kqlValue).join(' or ')})`
  } else if (meta.type === 'range' && key !== undefined) {
    const p = (meta.params ?? {}) as Record<string, string | number | undefined>
    const bounds = (['gte', 'gt', 'lte', 'lt'] as const).flatMap(op => p[op] === undefined ? [] : [`${key} ${{ gte: '>=', gt: '>', lte: '<=', lt: '<' }[op]} ${kqlValue(p[op] as string | number)}`])
    if (bounds.length > 0) kql = bounds.join(' and ')
  } else if (meta.type === 'exists' && key !== undefined) {
    kql = `${key}:*`
  }
  if (kql === undefined) return { problem: `filter${key === undefined ? '' : ` on ${key}`} of type ${meta.type ?? 'custom'} has no KQL equivalent` }
  return { kql: meta.negate === true ? `not (${kql})` : kql }
}

/** A Kibana `search` object as saved-search input, or the reasons it cannot be taken without changing its meaning. */
export function fromKibana (o: KibanaSearchObject): { input?: SavedSearchInput, problems: string[], notes: string[] } {
  const problems: string[] = []
  const notes: string[] = []
  let source: { query?: { query?: unknown, language?: string }, filter?: KibanaFilter[] }
  try {
    source = JSON.parse(o.attributes.kibanaSavedObjectMeta?.searchSourceJSON ?? '{}') as typeof source
  } catch {
    return { problems: ['searchSourceJSON is not JSON'], notes }
  }
  const language = source.query?.language ?? 'kuery'
  const text = typeof source.query?.query === 'string' ? source.query.query : ''
  if (language !== 'kuery' && text.trim() !== '') problems.push(`the query is in ${language}, not KQL; Lucene syntax is not accepted`)
  const clauses = [text]
  for (const f of source.filter ?? []) {
    const r = filterToKql(f)
    if (r.problem !== undefined) problems.push(r.problem)
    if (r.kql !== undefined) clauses.push(r.kql)
  }
  if (o.attributes.isTextBasedQuery === true) problems.push('ES|QL searches are not accepted')
  if (problems.length > 0) return { problems, notes }
  const range = o.attributes.timeRestore === true ? o.attributes.timeRange : undefined
  if (o.attributes.timeRestore !== true) notes.push('no time range saved: runs cover all time unless a range is given')
  const query = andKql(...clauses)
  const input: SavedSearchInput = {
    name: o.attributes.title.slice(0, 200),
    ...(o.attributes.description === undefined || o.attributes.description === '' ? {} : { description: o.attributes.description.slice(0, 2000) }),
    ...(query === '' ? {} : { query }),
    ...(range === undefined ? {} : { timeRange: { from: range.from, to: range.to } }),
    ...(o.attributes.columns === undefined || o.attributes.columns.length === 0 ? {} : { columns: o.attributes.columns.filter(c => c !== '_source') }),
    ...(o.attributes.sort === undefined || o.attributes.sort.length === 0 ? {} : { sort: o.attributes.sort.slice(0, 3).map(([field, order]) => ({ field, order: order === 'asc' ? 'asc' as const : 'desc' as const })) })
  }
  return { input, problems, notes }
}
