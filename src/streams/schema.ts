import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { StreamDestination } from '../store/system/stream-records.ts'

export { FRESH_POSITION, StreamDestination, type StoredPosition, type StoredStream } from '../store/system/stream-records.ts'

export const MAX_STREAMS_PER_TENANT = 20

export const StreamInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  tenant: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'Required with a platform key; a tenant\'s key streams its own tenant' })),
  destination: StreamDestination,
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL: only matching events are streamed' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates in the KQL query' })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Most events per delivery (default and upper bound: SILLAGE_STREAM_BATCH_MAX)' })),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  from: Type.Optional(Type.String({ maxLength: 64, description: 'Where delivery starts, by ingest time: `now` (default), `beginning`, or an ISO time; only on creation' }))
}, { additionalProperties: false, $id: 'StreamInput' })
export type StreamInput = Static<typeof StreamInput>

/** Where a stream stands: the last event delivered (ingest time, then id), and how delivery goes. */
export const StreamState = Type.Object({
  position: Type.Union([Type.Object({ ingested: Type.String({ format: 'date-time' }), eventId: Type.String() }), Type.Null()], { description: 'Last event delivered (events are walked by event.ingested, then event.id); null before the first' }),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deliveredTotal: Type.Integer(),
  lagSeconds: Type.Number({ description: 'Age (by ingest time) of the oldest matching event not yet delivered; 0 when all are, up to the few seconds a new event takes to be settled' }),
  failingSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  consecutiveFailures: Type.Integer(),
  lastError: Type.Union([Type.Object({ at: Type.String({ format: 'date-time' }), message: Type.String() }), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
})
export type StreamState = Static<typeof StreamState>

const PublicDestination = Type.Union([
  Type.Object({ type: Type.Literal('http'), url: Type.String(), hasToken: Type.Boolean() }),
  Type.Object({ type: Type.Literal('syslog'), host: Type.String(), port: Type.Integer(), tls: Type.Boolean(), hasCa: Type.Boolean(), facility: Type.Integer(), hostname: Type.String() })
])

export const Stream = Type.Object({
  id: Type.String(),
  name: Type.String(),
  tenant: Type.String(),
  destination: PublicDestination,
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String()),
  timeZone: Type.Optional(Type.String()),
  batchSize: Type.Integer(),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  version: Type.String({ description: 'Send it back in If-Match to change or delete the stream' }),
  state: StreamState
}, { $id: 'Stream' })
export type Stream = Static<typeof Stream>
