import { type Static, Type } from '@sinclair/typebox'
import type { Filters } from '../../query/filters.ts'

/** The records of log streams as the store keeps them (the API's shapes are in streams/schema.ts). */

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
