import { type Static, Type } from '@sinclair/typebox'
import { LEVELS } from '../events/schema.ts'
import { ALERT_STATUSES } from './dedup.ts'

export const MAX_ALERT_EVIDENCE = 100

const Status = Type.Union(ALERT_STATUSES.map(s => Type.Literal(s)))
const Level = Type.Union(LEVELS.map(l => Type.Literal(l)))
const When = Type.Union([Type.String({ format: 'date-time' }), Type.Null()])

export const StatusChange = Type.Object({
  at: Type.String({ format: 'date-time' }),
  by: Type.String({ description: 'Key id, or person:… for a person signed in through single sign-on' }),
  person: Type.Optional(Type.String()),
  from: Status,
  to: Status,
  note: Type.String()
})

export const Alert = Type.Object({
  id: Type.String(),
  tenant: Type.Union([Type.String(), Type.Null()]),
  rule_id: Type.Union([Type.String(), Type.Null()], { description: 'The watch rule that raised it; null for system alerts' }),
  rule_name: Type.Union([Type.String(), Type.Null()]),
  system: Type.Union([Type.String(), Type.Null()], { description: 'For alerts the pipeline raises about itself: what failed (dead-letters, queue-depth…)' }),
  kind: Type.Union([Type.Literal('threshold'), Type.Literal('signal'), Type.Literal('new-value'), Type.Literal('system')]),
  severity: Level,
  status: Status,
  title: Type.String({ description: 'One line saying what fired' }),
  group: Type.Union([Type.String(), Type.Null()], { description: 'The value the rule grouped by (a user id, an address, a device…); masked for masked readers when it is personal' }),
  group_field: Type.Union([Type.String(), Type.Null()]),
  dedup_key: Type.String({ description: 'Rule and group: while an alert with this key is open, findings with the same key join it' }),
  figure: Type.Record(Type.String(), Type.Unknown(), { description: 'The figure that crossed the bound, with the bound itself' }),
  evidence: Type.Array(Type.String(), { maxItems: MAX_ALERT_EVIDENCE, description: 'Event ids behind the alert, oldest first (open them with POST /v1/events/search and filters or GET /v1/events/{id})' }),
  first_event_at: When,
  last_event_at: When,
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_seen_at: Type.String({ format: 'date-time', description: 'Latest finding that raised or joined it' }),
  repeats: Type.Integer({ description: 'Findings that joined it after it was raised (same rule and group, while open)' }),
  history: Type.Array(StatusChange),
  notified: Type.Boolean({ description: 'Its webhook deliveries are queued' })
}, { $id: 'Alert' })
export type Alert = Static<typeof Alert>
export type StoredAlert = Omit<Alert, 'id'>

export const AlertQuery = Type.Object({
  status: Type.Optional(Type.Array(Status, { maxItems: 3, description: 'One or more statuses (repeat the parameter)' })),
  severity: Type.Optional(Type.Array(Level, { maxItems: 4 })),
  ruleId: Type.Optional(Type.String({ maxLength: 64 })),
  system: Type.Optional(Type.String({ maxLength: 64 })),
  group: Type.Optional(Type.String({ maxLength: 512, description: 'Exact group value (a user id…)' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Raised at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Raised at or before' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  after: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page' }))
}, { additionalProperties: false })
export type AlertQuery = Static<typeof AlertQuery>

export const AlertList = Type.Object({
  alerts: Type.Array(Alert, { description: 'Newest first' }),
  total: Type.Integer(),
  next: Type.Union([Type.String(), Type.Null()], { description: 'Send as `after` for the next page; null on the last' })
})

export const StatusChangeRequest = Type.Object({
  status: Type.Union([Type.Literal('acknowledged'), Type.Literal('closed')]),
  note: Type.String({ minLength: 1, maxLength: 2000, description: 'Why: kept in the alert history and in the access log' })
}, { additionalProperties: false })
export type StatusChangeRequest = Static<typeof StatusChangeRequest>
