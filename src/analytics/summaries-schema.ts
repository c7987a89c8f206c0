import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { LEVELS } from '../events/schema.ts'

const Counts = Type.Record(Type.String(), Type.Integer(), { description: 'Events per value' })
const Distinct = Type.Object({
  count: Type.Integer({ description: 'Distinct values (for a key reading masked data: distinct masked values among those listed)' }),
  values: Type.Array(Type.String(), { description: 'Up to 100, most frequent first' })
})
const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const MoneyRow = Type.Object({
  currency: Type.String(),
  in: Type.Number({ description: 'Into the user\'s balance (deposits, wins, cancelled withdrawals...)' }),
  out: Type.Number({ description: 'Out of the user\'s balance (withdrawals, stakes...)' }),
  net: Type.Number({ description: 'in − out' }),
  other: Type.Number({ description: 'Amounts of actions without a direction (promotions, manual adjustments)' }),
  events: Type.Integer()
})
export type MoneyRow = Static<typeof MoneyRow>

export const EventRef = Type.Object({ id: Type.String(), event: Type.Record(Type.String(), Type.Unknown(), { description: 'The stored event' }) })
export type EventRef = Static<typeof EventRef>

const Devices = Type.Object({ types: Counts, ids: Distinct })

export const SessionSummary = Type.Object({
  total: Type.Integer({ description: 'Events in the session' }),
  sessionId: Type.String(),
  users: Type.Array(Type.String(), { description: 'Subjects of the session\'s events' }),
  start: Time,
  end: Time,
  durationMs: Type.Integer(),
  byCategory: Counts,
  byOutcome: Counts,
  ips: Distinct,
  countries: Distinct,
  devices: Devices,
  money: Type.Array(MoneyRow),
  highestImportance: Type.Union([Type.Object({
    level: Type.Union(LEVELS.map(l => Type.Literal(l))), score: Type.Integer(), rule: Type.String(), event: EventRef
  }), Type.Null()], { description: 'The highest-scoring event (the latest of equals)' }),
  operatorActions: Type.Object({
    total: Type.Integer(),
    events: Type.Array(EventRef, { description: 'Oldest first, at most 100' })
  })
}, { $id: 'SessionSummary' })
export type SessionSummary = Static<typeof SessionSummary>

export const PeriodSummaryRequest = Type.Object({
  filters: Filters,
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates in the KQL query' }))
}, { additionalProperties: false, $id: 'PeriodSummaryRequest' })
export type PeriodSummaryRequest = Static<typeof PeriodSummaryRequest>

export const ChangeRow = Type.Object({
  key: Type.String(),
  current: Type.Integer(),
  previous: Type.Integer(),
  change: Type.Integer({ description: 'current − previous' }),
  changePct: Type.Union([Type.Number(), Type.Null()], { description: 'Relative change in percent, rounded to 0.1; null when previous is 0' })
})
export type ChangeRow = Static<typeof ChangeRow>

const Window = Type.Object({ from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) }, { description: 'Inclusive bounds, UTC' })

const periodFields = {
  total: Type.Integer({ description: 'Events in the period' }),
  period: Window,
  previous: Window,
  totals: ChangeRow,
  byCategory: Type.Array(ChangeRow),
  byAction: Type.Array(ChangeRow, { description: 'Up to 200 actions, most frequent first' }),
  byOutcome: Type.Array(ChangeRow),
  byImportance: Type.Array(ChangeRow),
  complete: Type.Boolean({ description: 'False when more than 200 actions occurred (the rest are left out of byAction)' })
}
export const PeriodSummary = Type.Object(periodFields, { $id: 'PeriodSummary' })
export type PeriodSummary = Static<typeof PeriodSummary>

const TenantParam = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'The tenant whose user (or session) it is: a platform key reads that tenant only, as two tenants may use the same id; a tenant\'s key may name its own' })

export const UserSummaryParams = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 64, default: 'now-30d', description: 'ISO time or date math' })),
  to: Type.Optional(Type.String({ maxLength: 64, default: 'now' })),
  tz: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for rounding and dates without offset' })),
  tenant: Type.Optional(TenantParam)
}, { additionalProperties: false })

/** The tenant a summary of a user or session reads: ids are unique within a tenant only. */
export const SummaryTenant = Type.Object({ tenant: Type.Optional(TenantParam) }, { additionalProperties: false })
export type UserSummaryParams = Static<typeof UserSummaryParams>

export const UserSummary = Type.Object({
  ...periodFields,
  userId: Type.String(),
  firstSeen: Time,
  lastSeen: Time,
  ips: Distinct,
  countries: Distinct,
  devices: Devices,
  money: Type.Array(MoneyRow)
}, { $id: 'UserSummary', description: 'First and last seen are over all time; the rest over the period' })
export type UserSummary = Static<typeof UserSummary>
