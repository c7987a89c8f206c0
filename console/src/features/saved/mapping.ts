import { LEVELS } from '../../api/enums.ts'
import { kqlPhrase } from '../../api/kql.ts'
import { andQuery, DEFAULT_COLUMNS, kqlClause, toFilters, writeState, type DiscoverState, type FilterKind } from '../../app/discover-state.ts'
import type { SavedSearch, SavedSearchInput } from './types.ts'

/**
 * Discover's view as a saved search: the KQL query, the chips as structured filters, the period as the time
 * range (in the person's zone), the columns and the sort.
 */
export function toSaved (state: DiscoverState, timeZone: string, name: string, shared: boolean): SavedSearchInput {
  const { period: _period, ...filters } = toFilters(state, timeZone)
  return {
    name,
    shared,
    ...(state.query.trim() === '' ? {} : { query: state.query }),
    ...(Object.keys(filters).length === 0 ? {} : { filters }),
    timeRange: { from: state.from, to: state.to, timeZone: state.zone ?? timeZone },
    columns: state.columns,
    sort: [state.sort]
  }
}

// Structured filters Discover shows as chips, by the chip that holds each.
const CHIPS: Array<[FilterKind, 'category' | 'action' | 'outcome' | 'ip' | 'country' | 'deviceType' | 'operatorId' | 'sessionId' | 'userId']> = [
  ['category', 'category'], ['action', 'action'], ['outcome', 'outcome'], ['ip', 'ip'], ['country', 'country'],
  ['device', 'deviceType'], ['operator', 'operatorId'], ['session', 'sessionId'], ['user', 'userId']
]

const anyOf = (field: string, values: string[]): string => values.length === 1 ? kqlClause(field, values[0]) : `(${values.map(v => kqlClause(field, v)).join(' or ')})`

// Rounding (`now/d`) and times without an offset are read in a zone; `now-7d` and `…Z` mean the same anywhere.
const ZONED = /\/|^\d{4}-\d\d-\d\d(?:T[\d:.]+)?(?:\|\||$)/

/**
 * A saved search as Discover's view. Filters without a chip (made through the API: actor types, currencies,
 * tenants, browsers, systems, a minimum level beside levels) join the KQL query with the same meaning. Free text
 * becomes a quoted KQL phrase over the message and reason: its words in that order, and without the exact match
 * on details the text filter adds. The saved zone is kept where the period depends on it.
 */
export function fromSaved (s: SavedSearch): DiscoverState {
  const f = s.filters ?? {}
  const filters: DiscoverState['filters'] = []
  for (const [kind, key] of CHIPS) for (const value of f[key] ?? []) filters.push({ kind, value })
  const min = f.importance?.min === undefined ? [] : LEVELS.slice(LEVELS.indexOf(f.importance.min as typeof LEVELS[number]))
  // Levels and a minimum together must both hold: the levels are chips (any of them), the minimum a clause.
  for (const value of f.importance?.levels ?? min) filters.push({ kind: 'importance', value })
  if (f.amount?.gte !== undefined) filters.push({ kind: 'amountMin', value: String(f.amount.gte) })
  if (f.amount?.lte !== undefined) filters.push({ kind: 'amountMax', value: String(f.amount.lte) })
  let query = s.query ?? ''
  const extra: Array<[string, string[] | undefined]> = [
    ['audit.actor.type', f.actorType], ['audit.money.currency', f.currency], ['audit.tenant', f.tenant],
    ['user_agent.name', f.browser], ['user_agent.os.name', f.os], ['audit.importance.level', f.importance?.levels === undefined ? undefined : min]
  ]
  for (const [field, values] of extra) if (values !== undefined && values.length > 0) query = andQuery(query, anyOf(field, values))
  if (f.text !== undefined && f.text.trim() !== '') query = andQuery(query, kqlPhrase(f.text))
  const first = s.sort?.[0]
  const from = s.timeRange?.from ?? f.period?.from ?? 'now-24h'
  const to = s.timeRange?.to ?? f.period?.to ?? 'now'
  const zone = s.timeRange === undefined ? f.period?.timeZone : s.timeRange.timeZone
  return {
    query,
    from,
    to,
    filters,
    columns: s.columns ?? DEFAULT_COLUMNS,
    sort: first === undefined ? { field: 'time', order: 'desc' } : { field: first.field, order: first.order },
    ...(zone !== undefined && (ZONED.test(from) || ZONED.test(to)) ? { zone } : {})
  }
}

/** The Discover address that reopens a saved search. */
export const discoverPath = (s: SavedSearch): string => `/discover?${writeState(fromSaved(s)).toString()}`
