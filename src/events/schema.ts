import { type Static, Type } from '@sinclair/typebox'
import { CATEGORIES } from './taxonomy.ts'
import { RETENTION_CLASSES } from './retention-classes.ts'

export const OUTCOMES = ['success', 'failure', 'unknown'] as const
export const ACTOR_TYPES = ['user', 'operator', 'system', 'api'] as const
export const LEVELS = ['low', 'medium', 'high', 'critical'] as const
export const DEVICE_TYPES = ['desktop', 'mobile', 'tablet', 'smarttv', 'console', 'wearable', 'embedded', 'bot', 'unknown'] as const

export type Outcome = typeof OUTCOMES[number]
export type ActorType = typeof ACTOR_TYPES[number]
export type Level = typeof LEVELS[number]
export type DeviceType = typeof DEVICE_TYPES[number]

const text = (maxLength: number, description?: string) =>
  Type.String({ minLength: 1, maxLength, ...(description === undefined ? {} : { description }) })
const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' })
const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9_.-]*$' })
const strict = { additionalProperties: false }

/** One audit event as a client sends it. Server-side fields (category, importance, geo, device) are not accepted. */
export const EventInput = Type.Object({
  '@timestamp': Type.Optional(Type.String({ format: 'date-time', description: 'When it happened (RFC 3339). Defaults to the time of receipt.' })),
  event: Type.Object({
    id: Type.Optional(Type.String({ ...Id, description: 'Idempotency key and document id. Send one to make retries safe; generated otherwise.' })),
    action: Type.String({ ...Name, description: 'What happened, from the taxonomy (unknown actions are kept as category custom).' }),
    outcome: Type.Optional(Type.Union(OUTCOMES.map(o => Type.Literal(o)), { default: 'unknown' })),
    reason: Type.Optional(text(500, 'Why it failed or was done.'))
  }, strict),
  message: Type.Optional(text(2000, 'Human-readable description.')),
  user: Type.Object({
    id: Type.String({ ...Id, description: 'The account the event is about.' }),
    name: Type.Optional(text(200)),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 }))
  }, strict),
  source: Type.Optional(Type.Object({
    ip: Type.String({ format: 'ip', description: 'IPv4 or IPv6 address of the client.' }),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 }))
  }, strict)),
  user_agent: Type.Optional(Type.Object({ original: text(1024) }, strict)),
  audit: Type.Optional(Type.Object({
    tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'Brand or operator of the platform.' })),
    actor: Type.Optional(Type.Object({
      type: Type.Union(ACTOR_TYPES.map(a => Type.Literal(a)), { description: 'Who acted: the user, an operator on the user\'s account, the system or an API client.' }),
      id: Type.Optional(Id),
      name: Type.Optional(text(200))
    }, strict)),
    session: Type.Optional(Type.Object({ id: Id }, strict)),
    device: Type.Optional(Type.Object({
      id: Type.String({ ...Id, description: 'A stable device identifier (fingerprint) from the client, used to link accounts sharing a device.' })
    }, strict)),
    money: Type.Optional(Type.Object({
      amount: Type.Number({ minimum: 0, maximum: 1e15 }),
      currency: Type.String({ pattern: '^[A-Z0-9]{2,10}$', description: 'ISO 4217 code or a token symbol.' })
    }, strict)),
    game: Type.Optional(Type.Object({
      id: Type.Optional(Id),
      provider: Type.Optional(text(100)),
      round_id: Type.Optional(Id),
      bet_id: Type.Optional(Id)
    }, strict)),
    change: Type.Optional(Type.Object({
      field: Name,
      before: Type.Optional(Type.String({ maxLength: 500 })),
      after: Type.Optional(Type.String({ maxLength: 500 }))
    }, strict)),
    reference: Type.Optional(Type.String({ ...Id, description: 'External id, such as a transaction or ticket number.' })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
    details: Type.Optional(Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }),
      Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]),
      { maxProperties: 50, description: 'Extra flat key/value pairs.' }
    ))
  }, strict))
}, { ...strict, $id: 'EventInput' })
export type EventInput = Static<typeof EventInput>

/** POST /v1/events takes one event or a batch. */
export const IngestBody = Type.Union([
  EventInput,
  Type.Object({ events: Type.Array(EventInput, { minItems: 1 }) }, strict)
])

const Geo = Type.Object({
  country_iso_code: Type.String(),
  country_name: Type.Optional(Type.String()),
  region_iso_code: Type.Optional(Type.String()),
  city_name: Type.Optional(Type.String()),
  timezone: Type.Optional(Type.String()),
  location: Type.Optional(Type.Object({ lat: Type.Number(), lon: Type.Number() }))
})

/** An event as stored in Elasticsearch: the input plus what the server adds. */
export const StoredEvent = Type.Object({
  '@timestamp': Type.String(),
  event: Type.Object({
    id: Type.String(),
    action: Type.String(),
    outcome: Type.Union(OUTCOMES.map(o => Type.Literal(o))),
    reason: Type.Optional(Type.String()),
    kind: Type.Literal('event'),
    ingested: Type.String()
  }),
  message: Type.Optional(Type.String()),
  user: EventInput.properties.user,
  source: Type.Optional(Type.Object({
    ip: Type.String(),
    port: Type.Optional(Type.Integer()),
    geo: Type.Optional(Geo)
  })),
  user_agent: Type.Optional(Type.Object({
    original: Type.String(),
    name: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    os: Type.Optional(Type.Object({ name: Type.Optional(Type.String()), version: Type.Optional(Type.String()) })),
    device: Type.Optional(Type.Object({ name: Type.Optional(Type.String()) }))
  })),
  related: Type.Object({ ip: Type.Optional(Type.Array(Type.String())), user: Type.Array(Type.String()) }),
  audit: Type.Object({
    tenant: Type.String(),
    category: Type.Union(CATEGORIES.map(c => Type.Literal(c))),
    retention: Type.Union(RETENTION_CLASSES.map(c => Type.Literal(c))),
    actor: Type.Object({ type: Type.Union(ACTOR_TYPES.map(a => Type.Literal(a))), id: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
    session: Type.Optional(Type.Object({ id: Type.String() })),
    money: Type.Optional(Type.Object({ amount: Type.Number(), currency: Type.String(), direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])) })),
    game: Type.Optional(Type.Object({ id: Type.Optional(Type.String()), provider: Type.Optional(Type.String()), round_id: Type.Optional(Type.String()), bet_id: Type.Optional(Type.String()) })),
    change: Type.Optional(Type.Object({ field: Type.String(), before: Type.Optional(Type.String()), after: Type.Optional(Type.String()) })),
    reference: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    details: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    importance: Type.Object({ level: Type.Union(LEVELS.map(l => Type.Literal(l))), score: Type.Integer(), rule: Type.String() }),
    device: Type.Object({ type: Type.Union(DEVICE_TYPES.map(d => Type.Literal(d))), id: Type.Optional(Type.String()) }),
    ip_scope: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('private'), Type.Literal('loopback'), Type.Literal('reserved')]))
  })
}, { $id: 'StoredEvent' })
export type StoredEvent = Static<typeof StoredEvent>
