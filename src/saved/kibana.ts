import type { SavedSearch, SavedSearchInput } from './schema.ts'
import { andKql, filtersToKql, kqlValue } from './filters-to-kql.ts'
import { isObject, readSearchObject, SOURCE, type ObjectProblem, type Pill } from './kibana-object.ts'
import { lookupField } from '../query/fields.ts'
import { parseKql } from '../query/kql/parser.ts'
import { levelRangesAsLists } from './kql-levels.ts'

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

export const INDEX_PATTERN_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index'
const EPOCH = '1970-01-01T00:00:00.000Z'
const SORT_NAMES: Record<string, string> = { time: '@timestamp', importance: 'audit.importance.score', amount: 'audit.money.amount' }

/**
 * A saved search as a Kibana `search` object: every filter travels inside the KQL query, the period as a time range
 * (from the beginning of time when it has only an end). A tenant's search names its tenant in the query: the data
 * view is every tenant's events.
 */
export function toKibana (s: SavedSearch, dataViewId: string): { object: KibanaSearchObject, notes: string[] } {
  const { kql, notes } = s.filters === undefined ? { kql: '', notes: [] } : filtersToKql(s.filters)
  const period = s.filters?.period
  const timeRange = s.timeRange ?? (period?.from === undefined && period?.to === undefined ? undefined : { from: period.from ?? EPOCH, to: period.to ?? 'now' })
  const tenant = s.tenant === null ? undefined : `audit.tenant:${kqlValue(s.tenant)}`
  if (s.grouping !== undefined) notes.push('the grouping has no place in a Kibana search and was left out')
  if (s.timeRange?.timeZone !== undefined || period?.timeZone !== undefined) notes.push('Kibana takes the time zone from the browser, not from the search')
  const query = s.query === undefined ? undefined : levelRangesAsLists(s.query)
  if (query !== s.query) notes.push('ranges on audit.importance.level are written as the levels they keep: Kibana would compare levels as text')
  const searchSource = {
    query: { query: andKql(tenant, query, kql), language: 'kuery' },
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

const RANGE_OPS = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const
const isValue = (v: unknown): v is string | number | boolean => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'
const value = (v: string | number | boolean): string => kqlValue(typeof v === 'boolean' ? String(v) : v)

/** The KQL twin of one Kibana filter pill, or why there is none; the field must be one of the events'. */
function pillToKql (pill: Pill, problems: ObjectProblem[]): string | undefined {
  if (pill.disabled) return undefined
  const bad = (path: string, message: string): undefined => { problems.push({ path: `${pill.path}${path}`, message }); return undefined }
  const { type, key, params } = pill
  if (type !== 'phrase' && type !== 'phrases' && type !== 'range' && type !== 'exists') {
    return bad('', `filter${key === undefined ? '' : ` on ${key}`} of type ${type ?? 'custom'} has no KQL equivalent`)
  }
  if (key === undefined) return bad('/meta/key', 'is required: the field the filter is on')
  // The field becomes part of a KQL query: only the events' own fields, written exactly, are taken.
  if (lookupField(key) === undefined) return bad('/meta/key', `"${key.slice(0, 100)}" is not a field of the audit events`)
  let kql: string | undefined
  if (type === 'phrase') {
    const v = isObject(params) ? params.query : undefined
    kql = isValue(v) ? `${key}:${value(v)}` : bad('/meta/params/query', 'must be a string or a number')
  } else if (type === 'phrases') {
    if (!Array.isArray(params) || params.length === 0 || params.length > 100) return bad('/meta/params', 'must be a list of 1 to 100 values')
    params.forEach((v, i) => { if (!isValue(v)) bad(`/meta/params/${i}`, 'must be a string or a number') })
    kql = params.every(isValue) ? `${key}:(${params.map(value).join(' or ')})` : undefined
  } else if (type === 'range') {
    if (!isObject(params)) return bad('/meta/params', 'must be an object with gte, gt, lte or lt')
    const ops = (Object.keys(RANGE_OPS) as Array<keyof typeof RANGE_OPS>).filter(op => params[op] !== undefined && params[op] !== null)
    ops.forEach(op => { if (!isValue(params[op])) bad(`/meta/params/${op}`, 'must be a string or a number') })
    if (ops.length === 0) return bad('/meta/params', 'must hold at least one of gte, gt, lte or lt')
    kql = ops.every(op => isValue(params[op])) ? ops.map(op => `${key} ${RANGE_OPS[op]} ${value(params[op] as string | number)}`).join(' and ') : undefined
  } else {
    kql = `${key}:*`
  }
  return kql === undefined || !pill.negate ? kql : `not (${kql})`
}

/**
 * A Kibana `search` object (any JSON) as saved-search input, or the reasons it cannot be taken: a wrong shape,
 * or a meaning that cannot be kept (Lucene, ES|QL, custom DSL filters, fields the events do not have).
 */
export function fromKibana (o: unknown): { input?: SavedSearchInput, problems: ObjectProblem[], notes: string[] } {
  const notes: string[] = []
  if (!isObject(o)) return { problems: [{ path: '/', message: 'must be a JSON object (a Kibana saved object)' }], notes }
  const { search, problems } = readSearchObject(o)
  if (search === undefined) return { problems, notes }
  const { language, text } = search.query
  if (language !== 'kuery' && text.trim() !== '') problems.push({ path: `${SOURCE}/query/language`, message: `the query is in ${language}, not KQL; Lucene syntax is not accepted` })
  if (search.textBased) problems.push({ path: '/attributes/isTextBasedQuery', message: 'ES|QL searches are not accepted' })
  // Parsed alone before it is wrapped in parentheses with the filters: an escaped `\)` could otherwise close the
  // wrapper early and leave a filter applying to one branch of the query only.
  if (language === 'kuery' && text.trim() !== '') {
    try {
      parseKql(text)
    } catch (err) {
      problems.push({ path: `${SOURCE}/query/query`, message: `is not valid KQL on its own: ${(err as Error).message}` })
    }
  }
  if (language === 'kuery' && levelRangesAsLists(text) !== text) notes.push('ranges on audit.importance.level compare levels in their order here (low < medium < high < critical), as text in Kibana: check that the search keeps what was meant')
  const clauses = [language === 'kuery' ? text : '', ...search.pills.map(p => pillToKql(p, problems))]
  if (problems.length > 0) return { problems, notes }
  if (search.timeRange === undefined) notes.push('no time range saved: runs cover all time unless a range is given')
  const query = andKql(...clauses)
  const columns = search.columns?.filter(c => c !== '_source')
  const input: SavedSearchInput = {
    name: search.title.slice(0, 200),
    ...(search.description === undefined ? {} : { description: search.description.slice(0, 2000) }),
    ...(query === '' ? {} : { query }),
    ...(search.timeRange === undefined ? {} : { timeRange: search.timeRange }),
    ...(columns === undefined || columns.length === 0 ? {} : { columns }),
    ...(search.sort === undefined || search.sort.length === 0 ? {} : { sort: search.sort.slice(0, 3).map(([field, order]) => ({ field, order })) })
  }
  return { input, problems, notes }
}
