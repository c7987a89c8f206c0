import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import { buildQuery } from '../query/build-query.ts'
import { compileSort } from '../query/sort.ts'
import { type Column, DEFAULT_COLUMNS, expandColumns, sourcePaths } from './columns.ts'
import { EvidencePackRequest, ExportRequest } from './export-request.ts'
import type { OutputFormat } from './jobs.ts'

/** A checked export request, compiled: what to read, in which order, and how to write it. */
export interface ExportPlan {
  kind: 'export' | 'evidence-pack'
  format: OutputFormat
  query: estypes.QueryDslQueryContainer
  sort: estypes.SortCombinations[]
  /** The order in words, for the report. */
  sortLabel: string
  /** CSV only: the columns, and the source paths they need. */
  columns?: Column[]
  source?: string[]
  bom: boolean
  title: string
  /** What the request selected, as shown on the report's cover and in a pack's manifest. */
  selection: { filters?: unknown, query?: string, timeZone?: string }
}

const checkExport = compileChecker(ExportRequest)
const checkPack = compileChecker(EvidencePackRequest)

/**
 * Ties are broken by event id, then, for a caller who sees every tenant, by tenant (tenants may use the same
 * id): two exports of the same snapshot list events in the same order, so their hashes agree (the point in
 * time's own tie-breaker depends on shard layout), and a page never ends between two events that sort alike.
 */
function withTieBreaker (sort: estypes.SortCombinations[], everyTenant: boolean): estypes.SortCombinations[] {
  const names = (s: estypes.SortCombinations): string[] => typeof s === 'object' ? Object.keys(s) : [s]
  const missing = (everyTenant ? ['event.id', 'audit.tenant'] : ['event.id']).filter(f => !sort.some(s => names(s).includes(f)))
  return [...sort, ...missing.map(f => ({ [f]: { order: 'asc' as const } }))]
}

function describeSort (sort: estypes.SortCombinations[]): string {
  return sort.map(s => {
    const [field, spec] = Object.entries(s as Record<string, { order?: string }>)[0] ?? ['', {}]
    return `${field} ${spec.order === 'asc' ? 'ascending' : 'descending'}`
  }).join(', then ')
}

function fail (errors: FieldError[], what: string): never {
  throw new ValidationError(errors, `the ${what} request is invalid`)
}

/** `now`: the instant relative dates (`now-24h`) are read at; a background job reads them at its request's time. */
export function planExport (body: unknown, scope: Pick<ReadScope, 'tenant' | 'masked'>, now = Date.now()): ExportPlan {
  const shape = checkExport(body ?? {}, 0)
  if (shape.length > 0) fail(shape, 'export')
  const req = body as ExportRequest
  const errors: FieldError[] = []
  const query = buildQuery(req, scope, errors, now)
  const sort = withTieBreaker(compileSort(req.sort, errors, scope.masked), scope.tenant === null)
  const columns = req.format === 'csv' ? expandColumns(req.columns ?? DEFAULT_COLUMNS, errors) : undefined
  if (errors.length > 0) fail(errors, 'export')
  return {
    kind: 'export',
    format: req.format,
    query,
    sort,
    sortLabel: describeSort(sort),
    ...(columns === undefined ? {} : { columns, source: sourcePaths(columns) }),
    bom: req.bom === true,
    title: 'Audit trail export',
    selection: { ...(req.filters === undefined ? {} : { filters: req.filters }), ...(req.query === undefined ? {} : { query: req.query }), ...(req.timeZone === undefined ? {} : { timeZone: req.timeZone }) }
  }
}

export function planPack (body: unknown, scope: Pick<ReadScope, 'tenant' | 'masked'>, now = Date.now()): ExportPlan {
  const shape = checkPack(body ?? {}, 0)
  if (shape.length > 0) fail(shape, 'evidence pack')
  const req = (body ?? {}) as EvidencePackRequest
  const hasFilters = req.filters !== undefined && Object.keys(req.filters).length > 0
  if (req.userId === undefined && req.sessionId === undefined && !hasFilters && (req.query ?? '').trim() === '') {
    fail([{ index: 0, path: '/', message: 'name a user (userId), a session (sessionId), filters or a query' }], 'evidence pack')
  }
  const errors: FieldError[] = []
  const base = buildQuery(req, scope, errors, now)
  if (errors.length > 0) fail(errors, 'evidence pack')
  const subject: estypes.QueryDslQueryContainer[] = [
    ...(req.userId === undefined ? [] : [{ term: { 'user.id': req.userId } }]),
    ...(req.sessionId === undefined ? [] : [{ term: { 'audit.session.id': req.sessionId } }])
  ]
  // A pack tells what happened in order: oldest first.
  const sort = withTieBreaker([{ '@timestamp': { order: 'asc' } }], scope.tenant === null)
  const title = req.title ?? (req.userId !== undefined ? `Evidence pack: user ${req.userId}` : req.sessionId !== undefined ? `Evidence pack: session ${req.sessionId}` : 'Evidence pack')
  // The subject last: it narrows any list of users or sessions the filters name, and the manifest says so.
  const filters = { ...(req.filters ?? {}), ...(req.userId === undefined ? {} : { userId: req.userId }), ...(req.sessionId === undefined ? {} : { sessionId: req.sessionId }) }
  return {
    kind: 'evidence-pack',
    format: 'zip',
    query: subject.length === 0 ? base : { bool: { filter: [base, ...subject] } },
    sort,
    sortLabel: describeSort(sort),
    bom: false,
    title,
    selection: { ...(Object.keys(filters).length === 0 ? {} : { filters }), ...(req.query === undefined ? {} : { query: req.query }), ...(req.timeZone === undefined ? {} : { timeZone: req.timeZone }) }
  }
}
