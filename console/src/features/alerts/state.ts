import { kqlEvents } from '../../api/kql.ts'
import { readState, toFilters, writeState, type DiscoverState } from '../../app/discover-state.ts'
import type { RuleStart } from './rule-draft.ts'
import type { Alert, AlertStatus } from './types.ts'

/** Which alerts the list shows: the statuses to work on by default, every severity. */
export const SHOWS = ['active', 'open', 'acknowledged', 'closed', 'all'] as const
export type Shows = typeof SHOWS[number]
export const SEVERITIES = ['any', 'medium', 'high', 'critical'] as const
export type MinSeverity = typeof SEVERITIES[number]

export interface AlertsState {
  shows: Shows
  severity: MinSeverity
  /** Only the alerts of this watch rule. */
  rule?: string
  /** The alert opened beside the list. */
  id?: string
}

const STATUSES: Record<Shows, AlertStatus[]> = { active: ['open', 'acknowledged'], open: ['open'], acknowledged: ['acknowledged'], closed: ['closed'], all: [] }
const LEVELS = ['low', 'medium', 'high', 'critical']

const pick = <T extends string>(choices: readonly T[], value: string | null, fallback: T): T => (choices as readonly string[]).includes(value ?? '') ? value as T : fallback

export function readAlerts (p: URLSearchParams): AlertsState {
  const [rule, id] = [p.get('rule') ?? '', p.get('id') ?? '']
  return { shows: pick(SHOWS, p.get('shows'), 'active'), severity: pick(SEVERITIES, p.get('severity'), 'any'), ...(rule === '' ? {} : { rule }), ...(id === '' ? {} : { id }) }
}

/** The view's query string (for `href('/alerts', …)`): what differs from the defaults. */
export function alertsParams (s: AlertsState): Record<string, string | undefined> {
  return { shows: s.shows === 'active' ? undefined : s.shows, severity: s.severity === 'any' ? undefined : s.severity, rule: s.rule, id: s.id }
}

/** The list's request: its statuses, the severities from the minimum up, a page after `after`. */
export function alertsPath (s: AlertsState, size: number, after?: string): string {
  const q = new URLSearchParams()
  for (const status of STATUSES[s.shows]) q.append('status', status)
  if (s.severity !== 'any') for (const level of LEVELS.slice(LEVELS.indexOf(s.severity))) q.append('severity', level)
  if (s.rule !== undefined) q.set('ruleId', s.rule)
  q.set('size', String(size))
  if (after !== undefined) q.set('after', after)
  return `/v1/alerts?${q.toString()}`
}

/** The changes an alert in this status may take: open → acknowledged → closed, or open → closed. */
export const nextStatuses = (status: AlertStatus): Array<'acknowledged' | 'closed'> => status === 'open' ? ['acknowledged', 'closed'] : status === 'acknowledged' ? ['closed'] : []

/**
 * Discover's query string (for `href('/discover', …)`) on exactly the alert's evidence: its event ids (within its
 * tenant, where ids of two tenants may meet), over its first to its last event, a minute wider on each side.
 */
export function evidenceParams (a: Alert): Record<string, string> | undefined {
  if (a.evidence.length === 0) return undefined
  const q = kqlEvents(a.evidence.map(id => a.tenant === null ? { id } : { id, tenant: a.tenant }))
  const first = Date.parse(a.first_event_at ?? a.created_at)
  const last = Date.parse(a.last_event_at ?? a.last_seen_at)
  return { q, from: new Date(first - 60_000).toISOString(), to: new Date(last + 60_000).toISOString() }
}

/**
 * The watch rules panel's query string opening a new rule on a Discover search ("Watch this search"): its KQL
 * and filter chips, in Discover's own parameters. The period, columns and sort are left out: a rule reads what
 * arrives.
 */
export function watchQuery (s: DiscoverState): string {
  const p = writeState(s)
  for (const k of ['from', 'to', 'cols', 'sort', 'tz']) p.delete(k)
  p.set('watch', '1')
  return p.toString()
}

/** The search a new rule starts from, read back from `watchQuery`'s parameters. */
export function watchStart (params: URLSearchParams): RuleStart {
  const s = readState(params)
  const { period: _period, ...filters } = toFilters(s, 'UTC')
  return { query: s.query, ...(Object.keys(filters).length > 0 ? { filters } : {}) }
}
