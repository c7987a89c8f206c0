import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { LEVELS } from '../events/schema.ts'
import { EventRef } from './summaries-schema.ts'
import { SourceParam, SourceSchema } from './entities/source.ts'

const common = {
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates in the KQL query' }))
}

export const TopEventsRequest = Type.Object({
  ...common,
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 }))
}, { additionalProperties: false, $id: 'TopEventsRequest' })
export type TopEventsRequest = Static<typeof TopEventsRequest>

export const TopEventsResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events' }),
  events: Type.Array(EventRef, { description: 'By importance score, highest first; equal scores newest first' }),
  took_ms: Type.Integer()
}, { $id: 'TopEventsResponse' })
export type TopEventsResponse = Static<typeof TopEventsResponse>

const Level = Type.Union(LEVELS.map(l => Type.Literal(l)))

export const RiskyUsersRequest = Type.Object({
  ...common,
  levels: Type.Optional(Type.Array(Level, { minItems: 1, maxItems: 4, uniqueItems: true, default: ['high', 'critical'], description: 'Levels that count' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })),
  source: SourceParam
}, { additionalProperties: false, $id: 'RiskyUsersRequest' })
export type RiskyUsersRequest = Static<typeof RiskyUsersRequest>

export const RiskyUser = Type.Object({
  userId: Type.String(),
  events: Type.Integer({ description: 'Events at the counted levels' }),
  byLevel: Type.Record(Type.String(), Type.Integer()),
  maxScore: Type.Integer(),
  lastSeen: Type.String({ format: 'date-time', description: 'Latest counted event' })
})
export type RiskyUser = Static<typeof RiskyUser>

export const RiskyUsersResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events at the counted levels' }),
  users: Type.Array(RiskyUser, { description: 'Most counted events first, then highest score, then user id' }),
  complete: Type.Boolean({ description: 'Every user with such events is listed' }),
  exact: Type.Boolean({ description: 'Every count shown is exact' }),
  source: Type.Optional(SourceSchema),
  took_ms: Type.Integer()
}, { $id: 'RiskyUsersResponse' })
export type RiskyUsersResponse = Static<typeof RiskyUsersResponse>
