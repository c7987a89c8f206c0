import { type Static, Type } from '@sinclair/typebox'
import { Duration, scanLimit, selection } from '../behaviour/request.ts'

export const RiskRequest = Type.Object({
  ...selection,
  halfLife: Type.Optional(Duration('Points halve every half-life since what earned them happened (1h to 365d)', '7d')),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20, description: 'Users listed, riskiest first' })),
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
  eventIds: Type.Array(Type.String()),
  alertId: Type.Optional(Type.String()),
  figure: Type.Optional(Type.Unknown()),
  sameAs: Type.Optional(Type.String({ description: 'A signal finding and an alert about the same events count once, the larger; the other is named here' }))
})

export const RiskResponse = Type.Object({
  users: Type.Array(Type.Object({
    userId: Type.String(),
    score: Type.Number(),
    contributions: Type.Array(Contribution, { description: 'Largest first, at most 20' })
  })),
  found: Type.Integer({ description: 'Users with any contribution' }),
  halfLifeMs: Type.Integer(),
  at: Type.String({ format: 'date-time', description: 'The time the decay is computed at' }),
  truncated: Type.Boolean({ description: 'A signal scan reached its limit: some findings may be missing' })
}, { $id: 'RiskResponse' })
export type RiskResponse = Static<typeof RiskResponse>
