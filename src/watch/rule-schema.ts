import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { LEVELS } from '../events/schema.ts'
import { Duration } from '../analytics/behaviour/request.ts'
import { DURATION_PATTERN } from '../validation/formats.ts'

// The filters of search, without their $id: a rule names them in three places, and a schema id may appear once.
const RuleFilters = Type.Object(Filters.properties, { additionalProperties: false, description: 'The structured filters of search' })
const Kql = Type.Optional(Type.String({ maxLength: 2000, description: 'KQL, combined with the filters by AND' }))
const Field = (description: string) => Type.String({ minLength: 1, maxLength: 100, description })
/** A duration with no default: absent means the documented fallback (or none). */
const Span = (description: string) => Type.String({ pattern: DURATION_PATTERN, description: `${description}: a number and a unit s, m, h, d or w` })

export const Severity = Type.Union(LEVELS.map(l => Type.Literal(l)), { description: 'low, medium, high or critical' })
export type Severity = Static<typeof Severity>

export const SIGNALS = ['failed-logins', 'impossible-travel', 'shared-device', 'change-then-withdraw'] as const
export type SignalName = typeof SIGNALS[number]
export const METRICS = ['count', 'amount', 'users'] as const
export type RuleMetric = typeof METRICS[number]

export const ThresholdCondition = Type.Object({
  kind: Type.Literal('threshold'),
  savedSearchId: Type.Optional(Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'A saved search of the tenant: its filters and KQL (not its time range) select the events, with the filters and query below added' })),
  filters: Type.Optional(RuleFilters),
  query: Kql,
  window: Span('Sliding window the figure is computed over (at most 7d)'),
  groupBy: Type.Optional(Field('A keyword, ip or number field of the event model (user.id, source.ip, audit.device.id, user.email…) or a named group (country, action…); absent: all events together')),
  metric: Type.Optional(Type.Union(METRICS.map(m => Type.Literal(m)), { default: 'count', description: 'count: events; amount: sum of audit.money.amount, per currency; users: distinct user.id' })),
  bound: Type.Object({
    op: Type.Optional(Type.Union([Type.Literal('gt'), Type.Literal('gte')], { default: 'gt', description: 'gt: above the value; gte: at or above' })),
    value: Type.Number({ minimum: 0, maximum: 1e15 })
  }, { additionalProperties: false })
}, { additionalProperties: false })

export const SignalParams = Type.Object({
  by: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('ip'), Type.Literal('device')], { description: 'failed-logins: user (default) or ip; shared-device: device (default) or ip' })),
  threshold: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000, description: 'failed-logins: failures within the window (default 5)' })),
  window: Type.Optional(Span('failed-logins (default 10m, at most 1d), change-then-withdraw (default 24h, at most 30d), shared-device: period its users are counted over (default 30d, at most 90d)')),
  maxSpeedKmh: Type.Optional(Type.Number({ minimum: 1, maximum: 1_000_000, description: 'impossible-travel (default 1000)' })),
  minDistanceKm: Type.Optional(Type.Number({ minimum: 0, maximum: 20_100, description: 'impossible-travel (default 100)' })),
  minUsers: Type.Optional(Type.Integer({ minimum: 2, maximum: 1000, description: 'shared-device (default 3)' }))
}, { additionalProperties: false })
export type SignalParams = Static<typeof SignalParams>

export const SignalCondition = Type.Object({
  kind: Type.Literal('signal'),
  signal: Type.Union(SIGNALS.map(s => Type.Literal(s))),
  params: Type.Optional(SignalParams),
  filters: Type.Optional(RuleFilters),
  query: Kql
}, { additionalProperties: false })

export const NewValueCondition = Type.Object({
  kind: Type.Literal('new-value'),
  field: Field('The field whose value is new for the user: source.geo.country_iso_code, audit.device.id, source.ip, audit.details.<key> (a payout destination)…'),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 30, description: 'How far back the user\'s earlier values are looked for' })),
  requireHistory: Type.Optional(Type.Boolean({ default: true, description: 'Only users with an earlier event carrying the field in those days (a brand-new user has no history to differ from)' })),
  filters: Type.Optional(RuleFilters),
  query: Kql
}, { additionalProperties: false })

export const Condition = Type.Union([ThresholdCondition, SignalCondition, NewValueCondition])
export type Condition = Static<typeof Condition>
export type ThresholdCondition = Static<typeof ThresholdCondition>
export type SignalCondition = Static<typeof SignalCondition>
export type NewValueCondition = Static<typeof NewValueCondition>

export const WatchRuleInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  severity: Type.Optional(Type.Union(LEVELS.map(l => Type.Literal(l)), { default: 'medium', description: 'Severity of its alerts' })),
  interval: Type.Optional(Duration('How often it runs (1s to 1d)', '5m')),
  lookBack: Type.Optional(Duration('Each run also re-reads events ingested this long before the previous run ended, for events that became searchable late (at most 1d)', '10m')),
  cooldown: Type.Optional(Span('After an alert for a group, no new alert for that group until this long has passed, even if it was closed (at most 30d); absent: none')),
  condition: Condition
}, { additionalProperties: false, $id: 'WatchRuleInput' })
export type WatchRuleInput = Static<typeof WatchRuleInput>

export const WatchRule = Type.Composite([
  WatchRuleInput,
  Type.Object({
    id: Type.String(),
    tenant: Type.Union([Type.String(), Type.Null()]),
    created_by: Type.String(),
    created_at: Type.String(),
    updated_at: Type.String(),
    version: Type.String({ description: 'Send it back in If-Match on update: a stale version gets 409' })
  })
], { $id: 'WatchRule' })
export type WatchRule = Static<typeof WatchRule>
export type StoredWatchRule = Omit<WatchRule, 'id' | 'version'>
