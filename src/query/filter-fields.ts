import type { Filters } from './filters.ts'

export type FilterKey = Exclude<keyof Filters, 'period' | 'text'>

/**
 * How a structured filter matches: `terms` any of its values on one field; the others have a rule of their own
 * (an address or CIDR block, operator actions only, importance levels or a lowest level, an amount range).
 */
export type FilterKind = 'terms' | 'ip' | 'operator' | 'importance' | 'amount'

/**
 * Every structured filter and the event field it matches, in one table read by both the query compiler and the
 * KQL translation of saved searches: a new filter is its schema entry and one line here.
 */
export const FILTER_FIELDS: ReadonlyArray<{ key: FilterKey, field: string, kind: FilterKind }> = [
  { key: 'tenant', field: 'audit.tenant', kind: 'terms' },
  { key: 'category', field: 'audit.category', kind: 'terms' },
  { key: 'action', field: 'event.action', kind: 'terms' },
  { key: 'ip', field: 'source.ip', kind: 'ip' },
  { key: 'sessionId', field: 'audit.session.id', kind: 'terms' },
  { key: 'userId', field: 'user.id', kind: 'terms' },
  { key: 'operatorId', field: 'audit.actor.id', kind: 'operator' },
  { key: 'actorType', field: 'audit.actor.type', kind: 'terms' },
  { key: 'outcome', field: 'event.outcome', kind: 'terms' },
  { key: 'importance', field: 'audit.importance.level', kind: 'importance' },
  { key: 'country', field: 'source.geo.country_iso_code', kind: 'terms' },
  { key: 'deviceType', field: 'audit.device.type', kind: 'terms' },
  { key: 'browser', field: 'user_agent.name', kind: 'terms' },
  { key: 'os', field: 'user_agent.os.name', kind: 'terms' },
  { key: 'amount', field: 'audit.money.amount', kind: 'amount' },
  { key: 'currency', field: 'audit.money.currency', kind: 'terms' }
]

/** The values of a `terms` filter (a list), or undefined when the filter is absent. */
export function listOf (f: Filters, key: FilterKey): Array<string | number> | undefined {
  const v = f[key]
  return Array.isArray(v) ? v : undefined
}

/** The field of a filter with a rule of its own. */
export function fieldOf (kind: Exclude<FilterKind, 'terms'>): string {
  const entry = FILTER_FIELDS.find(e => e.kind === kind)
  if (entry === undefined) throw new Error(`no filter of kind ${kind}`)
  return entry.field
}
