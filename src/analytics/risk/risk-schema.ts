import { type Static, Type } from '@sinclair/typebox'
import { Duration, scanLimit, selection } from '../behaviour/request.ts'
import { SUBJECTS } from './risk-subjects.ts'

export const RiskSubject = Type.Union(SUBJECTS.map(s => Type.Literal(s)), {
  default: 'user',
  description: 'What is ranked: `user` (user.id), `device` (audit.device.id) or `ip` (source.ip; refused to keys that see addresses masked, like any grouping on them)'
})

export const RiskRequest = Type.Object({
  ...selection,
  subject: Type.Optional(RiskSubject),
  halfLife: Type.Optional(Duration('Points halve every half-life since what earned them happened (1h to 365d)', '7d')),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20, description: 'Users, devices or addresses listed, riskiest first' })),
  scanLimit: scanLimit('events per signal')
}, { additionalProperties: false, $id: 'RiskRequest' })
export type RiskRequest = Static<typeof RiskRequest>

export const Contribution = Type.Object({
  kind: Type.Union([Type.Literal('signal'), Type.Literal('alert'), Type.Literal('event')]),
  name: Type.String({ description: 'Signal name, rule name (or system source), or event action' }),
  level: Type.Optional(Type.String({ description: 'Alert severity, or event importance level' })),
  score: Type.Optional(Type.Number({ description: 'Importance score of the event' })),
  at: Type.String({ format: 'date-time', description: 'When it happened (a finding\'s or alert\'s latest event)' }),
  weight: Type.Number({ description: 'Points before decay' }),
  points: Type.Number({ description: 'Points after decay: what the score adds' }),
  eventIds: Type.Array(Type.String(), { description: 'The events behind it; for a device or an address, those that happened on it' }),
  alertId: Type.Optional(Type.String()),
  figure: Type.Optional(Type.Unknown()),
  sameAs: Type.Optional(Type.String({ description: 'Two findings about the same events (a signal finding and an alert, or one signal found per user and per address) count once, the larger; the other is named here' }))
})

const contributions = Type.Array(Contribution, { description: 'Largest first, at most 20' })

const UsersOnKey = Type.Object({
  count: Type.Integer({ description: 'Distinct users seen on it in the selected events' }),
  complete: Type.Boolean({ description: 'True when every user is listed and counted exactly; false when count is Elasticsearch\'s estimate (cardinality)' }),
  ids: Type.Array(Type.String(), { description: 'Users seen on it, most events first, at most 20' })
}, { description: 'The accounts seen on this device or address: many accounts on one is itself worth a look' })

export const RiskResponse = Type.Object({
  subject: RiskSubject,
  users: Type.Optional(Type.Array(Type.Object({
    userId: Type.String(),
    score: Type.Number(),
    contributions
  }), { description: 'With subject `user`' })),
  devices: Type.Optional(Type.Array(Type.Object({
    deviceId: Type.String(),
    score: Type.Number(),
    users: UsersOnKey,
    contributions
  }), { description: 'With subject `device`' })),
  ips: Type.Optional(Type.Array(Type.Object({
    ip: Type.String(),
    score: Type.Number(),
    users: UsersOnKey,
    contributions
  }), { description: 'With subject `ip`' })),
  found: Type.Integer({ description: 'Users, devices or addresses with any contribution' }),
  halfLifeMs: Type.Integer(),
  at: Type.String({ format: 'date-time', description: 'The time the decay is computed at' }),
  truncated: Type.Boolean({ description: 'A signal scan reached its limit: some findings may be missing' })
}, { $id: 'RiskResponse' })
export type RiskResponse = Static<typeof RiskResponse>
