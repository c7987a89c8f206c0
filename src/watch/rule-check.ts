import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import { lookupField } from '../query/fields.ts'
import { groupFieldOf } from '../analytics/aggregate-body.ts'
import { parseDuration } from '../analytics/behaviour/request.ts'
import type { Filters } from '../query/filters.ts'
import { WatchRuleInput, type Condition, type SignalParams } from './rule-schema.ts'

const checkShape = compileChecker(WatchRuleInput)
const GROUPABLE = new Set(['keyword', 'ip', 'number'])
const H = 3_600_000
const D = 24 * H

/** Bounds of every duration a rule holds, in milliseconds, with their text for messages. */
const BOUNDS: Record<string, [number, number, string]> = {
  interval: [1000, D, '1s to 1d'],
  lookBack: [1000, D, '1s to 1d'],
  cooldown: [1000, 30 * D, '1s to 30d'],
  window: [1000, 7 * D, '1s to 7d']
}

/** Which parameters each signal takes, with the bounds of its window. */
const SIGNAL_PARAMS: Record<string, { params: Array<keyof SignalParams>, by?: string[], window?: [number, string] }> = {
  'failed-logins': { params: ['by', 'threshold', 'window'], by: ['user', 'ip'], window: [D, '1d'] },
  'impossible-travel': { params: ['maxSpeedKmh', 'minDistanceKm'] },
  'shared-device': { params: ['by', 'minUsers', 'window'], by: ['device', 'ip'], window: [90 * D, '90d'] },
  'change-then-withdraw': { params: ['window'], window: [30 * D, '30d'] }
}

/** A field a rule may group by or watch: allowlisted, and one Elasticsearch can aggregate exactly. */
export function groupField (name: string): string | undefined {
  const field = groupFieldOf(name)
  const info = lookupField(field)
  return info !== undefined && GROUPABLE.has(info.type) ? field : undefined
}

/** The selection of a condition (with a saved search's filters and KQL) as one query confined to the tenant. */
export function conditionQuery (c: { filters?: Filters, query?: string }, tenant: string | null, errors: FieldError[], saved?: { filters?: Filters, query?: string }, masked = false): estypes.QueryDslQueryContainer {
  const own = buildQuery({ ...(c.filters === undefined ? {} : { filters: c.filters }), ...(c.query === undefined ? {} : { query: c.query }) }, { tenant, masked }, errors)
  if (saved === undefined) return own
  // A saved search's time range is not the rule's: a rule reads its own windows (docs/alerts.md).
  const { period: _period, ...filters } = saved.filters ?? {}
  const theirs = buildQuery({ filters, ...(saved.query === undefined ? {} : { query: saved.query }) }, { tenant, masked }, errors)
  return { bool: { filter: [own, theirs] } }
}

/**
 * Every check of a rule beyond its schema — durations and their bounds, allowlisted fields, filters and KQL
 * compiled as the rule would run them, parameters that belong to the chosen signal — with all problems at
 * once; then the rule with its defaults written out, so what is stored is what runs.
 */
export function checkRule (input: unknown, tenant: string | null): WatchRuleInput {
  const shape = checkShape(input, 0)
  if (shape.length > 0) throw new ValidationError(shape, 'the watch rule is invalid')
  const r = input as WatchRuleInput
  const errors: FieldError[] = []
  const span = (value: string | undefined, path: string, key: string): void => {
    if (value === undefined) return
    const ms = parseDuration(value) ?? 0
    const [min, max, text] = BOUNDS[key] as [number, number, string]
    if (ms < min || ms > max) errors.push({ index: 0, path, message: `must be between ${text}` })
  }
  span(r.interval, '/interval', 'interval')
  span(r.lookBack, '/lookBack', 'lookBack')
  span(r.cooldown, '/cooldown', 'cooldown')
  const c = r.condition
  const queryErrors: FieldError[] = []
  conditionQuery(c, tenant, queryErrors)
  errors.push(...queryErrors.map(e => ({ ...e, path: `/condition${e.path}` })))
  checkCondition(c, errors)
  if (errors.length > 0) throw new ValidationError(errors, 'the watch rule is invalid')
  return withDefaults(r)
}

function checkCondition (c: Condition, errors: FieldError[]): void {
  const fail = (path: string, message: string): void => { errors.push({ index: 0, path: `/condition${path}`, message }) }
  if (c.kind === 'threshold') {
    const ms = parseDuration(c.window) ?? 0
    if (ms < 1000 || ms > 7 * D) fail('/window', 'must be between 1s and 7d')
    if (c.groupBy !== undefined && groupField(c.groupBy) === undefined) fail('/groupBy', `cannot group by "${c.groupBy}": use a keyword, ip or number field of the event model, or a named group`)
    if (c.groupBy !== undefined && groupFieldOf(c.groupBy) === 'audit.money.currency' && c.metric === 'amount') fail('/groupBy', 'amounts are already summed per currency')
  } else if (c.kind === 'new-value') {
    if (groupField(c.field) === undefined) fail('/field', `cannot watch "${c.field}": use a keyword, ip or number field of the event model`)
    if (groupFieldOf(c.field) === 'user.id') fail('/field', 'the value is watched per user: choose another field than user.id')
  } else {
    const allowed = SIGNAL_PARAMS[c.signal] as (typeof SIGNAL_PARAMS)[string]
    for (const [k, v] of Object.entries(c.params ?? {})) {
      if (v === undefined) continue
      if (!allowed.params.includes(k as keyof SignalParams)) fail(`/params/${k}`, `does not apply to ${c.signal}`)
    }
    const by = c.params?.by
    if (by !== undefined && allowed.by !== undefined && !allowed.by.includes(by)) fail('/params/by', `must be ${allowed.by.join(' or ')} for ${c.signal}`)
    const window = c.params?.window
    if (window !== undefined && allowed.window !== undefined && (parseDuration(window) ?? 0) > allowed.window[0]) fail('/params/window', `must be at most ${allowed.window[1]}`)
  }
}

function withDefaults (r: WatchRuleInput): WatchRuleInput {
  const c = r.condition
  const condition: Condition = c.kind === 'threshold'
    ? { ...c, metric: c.metric ?? 'count', bound: { op: c.bound.op ?? 'gt', value: c.bound.value } }
    : c.kind === 'new-value' ? { ...c, days: c.days ?? 30, requireHistory: c.requireHistory ?? true } : c
  return { ...r, enabled: r.enabled ?? true, severity: r.severity ?? 'medium', interval: r.interval ?? '5m', lookBack: r.lookBack ?? '10m', condition }
}

/** The rule's durations in milliseconds (after defaults). */
export function ruleTimes (r: WatchRuleInput): { intervalMs: number, lookBackMs: number, cooldownMs: number } {
  return {
    intervalMs: parseDuration(r.interval ?? '5m') ?? 300_000,
    lookBackMs: parseDuration(r.lookBack ?? '10m') ?? 600_000,
    cooldownMs: r.cooldown === undefined ? 0 : parseDuration(r.cooldown) ?? 0
  }
}

/** What a rule's schedule is made of. */
export const scheduleOf = (r: WatchRuleInput & { id: string, tenant: string | null }): { id: string, tenant: string | null, enabled: boolean, intervalMs: number } =>
  ({ id: r.id, tenant: r.tenant, enabled: r.enabled ?? true, intervalMs: ruleTimes(r).intervalMs })
