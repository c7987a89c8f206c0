import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'

export const MAX_STREAMS_PER_TENANT = 20

const HttpDestination = Type.Object({
  type: Type.Literal('http'),
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'https:// receiver; each delivery is one POST of NDJSON (one event per line)' }),
  token: Type.Optional(Type.String({ minLength: 8, maxLength: 4096, description: 'Sent as `Authorization: Bearer <token>`; write-only (answers say only `hasToken`)' }))
}, { additionalProperties: false })

const SyslogDestination = Type.Object({
  type: Type.Literal('syslog'),
  host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:-]+$' }),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  tls: Type.Optional(Type.Boolean({ default: true, description: 'RFC 5425 (TLS); plain TCP (RFC 6587) only towards loopback receivers where the operator allows them' })),
  ca: Type.Optional(Type.String({ maxLength: 20_000, description: 'PEM certificate(s) of the receiver\'s private CA; the system\'s CAs otherwise' })),
  facility: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, default: 13, description: 'Syslog facility (13: log audit)' })),
  hostname: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[!-~]+$', description: 'HOSTNAME field; default sillage' }))
}, { additionalProperties: false })

export const StreamDestination = Type.Union([HttpDestination, SyslogDestination])
export type StreamDestination = Static<typeof StreamDestination>

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

/** What is stored: the definition with its secrets; the position lives apart (it changes at every delivery). */
export interface StoredStream {
  name: string
  tenant: string
  destination: StreamDestination
  filters?: Static<typeof Filters>
  query?: string
  timeZone?: string
  batchSize: number
  enabled: boolean
  createdAt: string
  updatedAt: string
  createdBy: string
}

/** The delivery state as stored: positions as epoch milliseconds and id, times as epoch milliseconds. */
export interface StoredPosition {
  after: [number, string] | null
  deliveredAt: number | null
  deliveredTotal: number
  behindSince: number | null
  failingSince: number | null
  consecutiveFailures: number
  lastError: { at: number, message: string } | null
  nextAttemptAt: number | null
}

export const FRESH_POSITION: StoredPosition = { after: null, deliveredAt: null, deliveredTotal: 0, behindSince: null, failingSince: null, consecutiveFailures: 0, lastError: null, nextAttemptAt: null }
