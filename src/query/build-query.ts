import type { estypes } from '@elastic/elasticsearch'
import type { FieldError } from '../errors.ts'
import { checkFilters, compileFilters } from './filters.ts'
import { isTimeZone } from './date-math.ts'
import { compileKql, KqlError, parseKql } from './kql/index.ts'
import { maskedFilterProblems, maskedKqlProblems } from './masked-access.ts'
import type { SearchRequest } from './search-request.ts'
import { tenantClauses, type QueryScope } from './tenant-scope.ts'

/**
 * Filters and KQL of a request as one bool query, always confined to the caller's tenant, and for masked
 * readers refused on the clear values of masked fields; every problem is collected, with the KQL position.
 * Every read of events compiles its selection here: this is where the caller's scope meets the query. Date math
 * is resolved at `now` (by default when the query is built), so that every request sent with the query, or
 * rebuilt with the same `now` (the pages of a search), selects the same events.
 */
export function buildQuery (req: Pick<SearchRequest, 'filters' | 'query' | 'timeZone'>, scope: QueryScope, errors: FieldError[], now = Date.now()): estypes.QueryDslQueryContainer {
  const filter: estypes.QueryDslQueryContainer[] = [...tenantClauses(scope)]
  const must: estypes.QueryDslQueryContainer[] = []
  if (req.filters !== undefined) {
    const problems = [...checkFilters(req.filters, '/filters', now), ...(scope.masked ? maskedFilterProblems(req.filters) : [])]
    errors.push(...problems)
    if (problems.length === 0) {
      const compiled = compileFilters(req.filters, now)
      filter.push(...compiled.filter)
      must.push(...compiled.must)
    }
  }
  if (req.timeZone !== undefined && !isTimeZone(req.timeZone)) {
    errors.push({ index: 0, path: '/timeZone', message: 'must be an IANA zone such as Europe/Paris, or an offset such as +02:00' })
  } else if (req.query !== undefined && req.query.trim() !== '') {
    try {
      const tree = parseKql(req.query)
      const hidden = scope.masked ? maskedKqlProblems(tree) : []
      hidden.forEach(err => { errors.push(kqlProblem(err)) })
      if (hidden.length === 0) must.push(compileKql(tree, { now, ...(req.timeZone === undefined ? {} : { timeZone: req.timeZone }) }))
    } catch (err) {
      if (!(err instanceof KqlError)) throw err
      errors.push(kqlProblem(err))
    }
  }
  if (filter.length === 0 && must.length === 0) return { match_all: {} }
  return { bool: { ...(filter.length === 0 ? {} : { filter }), ...(must.length === 0 ? {} : { must }) } }
}

const kqlProblem = (err: KqlError): FieldError => ({ index: 0, path: '/query', message: `${err.message} (at character ${err.position + 1})`, position: err.position })
