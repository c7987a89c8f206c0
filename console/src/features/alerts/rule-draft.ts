import { ambiguousAmount } from '../../app/discover-state.ts'
import type { WatchRule } from './types.ts'

/**
 * A watch rule as the console's form holds it: every input as typed (numbers as text), for the three kinds of
 * condition at once, so that switching kind keeps what was typed. `ruleInput` makes the API's body of it.
 */
export type RuleKind = 'threshold' | 'signal' | 'new-value'
export const RULE_KINDS: readonly RuleKind[] = ['threshold', 'signal', 'new-value']
export const SIGNALS = ['failed-logins', 'impossible-travel', 'shared-device', 'change-then-withdraw'] as const
export type SignalName = typeof SIGNALS[number]
export const METRICS = ['count', 'amount', 'users'] as const
export const RULE_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const

export interface RuleDraft {
  name: string
  description: string
  enabled: boolean
  severity: typeof RULE_SEVERITIES[number]
  interval: string
  lookBack: string
  cooldown: string
  kind: RuleKind
  /** KQL selecting the events, for every kind. */
  query: string
  // A threshold: a figure of the selected events over a sliding window, per group, against a bound.
  window: string
  groupBy: string
  metric: typeof METRICS[number]
  op: 'gt' | 'gte'
  value: string
  // A fraud signal and the parameters it takes (which ones depends on the signal).
  signal: SignalName
  by: string
  threshold: string
  signalWindow: string
  maxSpeedKmh: string
  minDistanceKm: string
  minUsers: string
  // A new value of a field for a user.
  field: string
  days: string
  requireHistory: boolean
  /** What a rule made through the API may hold and the form does not edit: kept as it is. */
  kept: { filters?: Record<string, unknown>, savedSearchId?: string }
}

/** The parameters each signal takes, in the form's order. */
export const SIGNAL_PARAMS: Record<SignalName, ReadonlyArray<'by' | 'threshold' | 'signalWindow' | 'maxSpeedKmh' | 'minDistanceKm' | 'minUsers'>> = {
  'failed-logins': ['by', 'threshold', 'signalWindow'],
  'impossible-travel': ['maxSpeedKmh', 'minDistanceKm'],
  'shared-device': ['by', 'minUsers', 'signalWindow'],
  'change-then-withdraw': ['signalWindow']
}

/** What `by` may be for a signal: failed logins by user or address, shared devices by device or address. */
export const SIGNAL_BY: Partial<Record<SignalName, readonly string[]>> = { 'failed-logins': ['user', 'ip'], 'shared-device': ['device', 'ip'] }

export const EMPTY_DRAFT: RuleDraft = {
  name: '', description: '', enabled: true, severity: 'medium', interval: '5m', lookBack: '10m', cooldown: '',
  kind: 'threshold', query: '',
  window: '10m', groupBy: 'user.id', metric: 'count', op: 'gt', value: '',
  signal: 'failed-logins', by: '', threshold: '', signalWindow: '', maxSpeedKmh: '', minDistanceKm: '', minUsers: '',
  field: 'source.geo.country_iso_code', days: '30', requireHistory: true,
  kept: {}
}

const text = (v: unknown): string => typeof v === 'number' || typeof v === 'string' ? String(v) : ''
const record = (v: unknown): Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {}
const oneOf = <T extends string>(choices: readonly T[], v: unknown, fallback: T): T => (choices as readonly unknown[]).includes(v) ? v as T : fallback

/** Where a new rule starts from: a search's KQL query and structured filters (Discover's "Watch this search"). */
export interface RuleStart { query: string, filters?: Record<string, unknown> }

/** The form's state for a rule read from the API, or for a new one (from a search, if given). */
export function draftOf (rule?: WatchRule, start?: RuleStart): RuleDraft {
  if (rule === undefined) {
    const filters = start?.filters ?? {}
    return { ...EMPTY_DRAFT, query: start?.query ?? '', kept: Object.keys(filters).length > 0 ? { filters } : {} }
  }
  const c = rule.condition
  const params = record(c.params)
  const bound = record(c.bound)
  const filters = record(c.filters)
  return {
    ...EMPTY_DRAFT,
    name: rule.name,
    description: rule.description ?? '',
    enabled: rule.enabled !== false,
    severity: oneOf(RULE_SEVERITIES, rule.severity, 'medium'),
    interval: rule.interval ?? '5m',
    lookBack: rule.lookBack ?? '10m',
    cooldown: rule.cooldown ?? '',
    kind: c.kind,
    query: text(c.query),
    ...(c.kind === 'threshold'
      ? { window: text(c.window), groupBy: text(c.groupBy), metric: oneOf(METRICS, c.metric, 'count'), op: oneOf(['gt', 'gte'] as const, bound.op, 'gt'), value: text(bound.value) }
      : {}),
    ...(c.kind === 'signal'
      ? {
          signal: oneOf(SIGNALS, c.signal, 'failed-logins'),
          by: text(params.by),
          threshold: text(params.threshold),
          signalWindow: text(params.window),
          maxSpeedKmh: text(params.maxSpeedKmh),
          minDistanceKm: text(params.minDistanceKm),
          minUsers: text(params.minUsers)
        }
      : {}),
    ...(c.kind === 'new-value' ? { field: text(c.field), days: text(c.days), requireHistory: c.requireHistory !== false } : {}),
    kept: {
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
      ...(typeof c.savedSearchId === 'string' ? { savedSearchId: c.savedSearchId } : {})
    }
  }
}

/**
 * A number typed in a field: undefined when empty, NaN when it is not one (the API then says why), or when its
 * comma could group thousands as well as separate decimals ("1,500"): neither is assumed.
 */
function num (s: string): number | undefined {
  const t = s.trim()
  if (t === '') return undefined
  return ambiguousAmount(t) ? Number.NaN : Number(t.replace(',', '.'))
}

/** The drafted fields that are set, trimmed: empty ones are left to the API's defaults. */
function present<T extends Record<string, unknown>> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>
}

/**
 * The body of POST or PUT /v1/watch-rules: the condition of the chosen kind only, with the parameters of the
 * chosen signal only. The API checks it whole (durations, bounds, fields, KQL) and its field errors are shown.
 */
export function ruleInput (d: RuleDraft): Record<string, unknown> {
  const query = d.query.trim()
  const selection = { ...(d.kept.filters === undefined ? {} : { filters: d.kept.filters }), ...(query === '' ? {} : { query }) }
  let condition: Record<string, unknown>
  if (d.kind === 'threshold') {
    condition = {
      kind: 'threshold',
      ...(d.kept.savedSearchId === undefined ? {} : { savedSearchId: d.kept.savedSearchId }),
      ...selection,
      window: d.window.trim(),
      ...present({ groupBy: d.groupBy.trim() }),
      metric: d.metric,
      bound: { op: d.op, value: num(d.value) ?? Number.NaN }
    }
  } else if (d.kind === 'signal') {
    const wanted = SIGNAL_PARAMS[d.signal]
    const all = { by: d.by, threshold: num(d.threshold), window: d.signalWindow.trim(), maxSpeedKmh: num(d.maxSpeedKmh), minDistanceKm: num(d.minDistanceKm), minUsers: num(d.minUsers) }
    const params = present(Object.fromEntries(Object.entries(all).filter(([k]) => wanted.includes(k === 'window' ? 'signalWindow' : k as never))))
    condition = { kind: 'signal', signal: d.signal, ...(Object.keys(params).length > 0 ? { params } : {}), ...selection }
  } else {
    condition = { kind: 'new-value', field: d.field.trim(), ...present({ days: num(d.days) }), requireHistory: d.requireHistory, ...selection }
  }
  return {
    name: d.name.trim(),
    ...present({ description: d.description.trim() }),
    enabled: d.enabled,
    severity: d.severity,
    interval: d.interval.trim(),
    lookBack: d.lookBack.trim(),
    ...present({ cooldown: d.cooldown.trim() }),
    condition
  }
}
