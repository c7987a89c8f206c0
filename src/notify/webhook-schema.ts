import { type Static, Type } from '@sinclair/typebox'
import { LEVELS } from '../events/schema.ts'

export const WebhookInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2048, description: 'https://…; plain http only to a loopback address (127.0.0.1, ::1, localhost)' }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  minSeverity: Type.Optional(Type.Union(LEVELS.map(l => Type.Literal(l)), { default: 'low', description: 'Alerts below this severity are not sent' }))
}, { additionalProperties: false, $id: 'WebhookInput' })
export type WebhookInput = Static<typeof WebhookInput>

export const Webhook = Type.Object({
  id: Type.String(),
  name: Type.String(),
  url: Type.String(),
  enabled: Type.Boolean(),
  minSeverity: Type.Union(LEVELS.map(l => Type.Literal(l))),
  tenant: Type.Union([Type.String(), Type.Null()]),
  created_by: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  version: Type.String({ description: 'Send it back in If-Match on update: a stale version gets 409' })
}, { $id: 'Webhook' })
export type Webhook = Static<typeof Webhook>

/**
 * What is stored: the webhook and its signing secret, which the API shows once, at creation (sealed with
 * SILLAGE_SECRETS_KEY, bound to `webhookRecord(id)`).
 */
export type StoredWebhook = Omit<Webhook, 'id' | 'version'> & { secret: string }

/** What a webhook's stored secret is bound to. */
export const webhookRecord = (id: string): string => `webhook/${id}`

export const CreatedWebhook = Type.Composite([Webhook, Type.Object({
  secret: Type.String({ description: 'The signing secret: shown this once, keep it with the receiver' })
})], { $id: 'CreatedWebhook' })

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'dropped'] as const

export const Attempt = Type.Object({
  at: Type.String({ format: 'date-time' }),
  attempt: Type.Integer({ description: 'From 1' }),
  httpStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'null when no answer came (refused, timed out)' }),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Number()
})
export type Attempt = Static<typeof Attempt>

export const Delivery = Type.Object({
  id: Type.String({ description: 'The idempotency id sent in Sillage-Delivery-Id: the same on every retry' }),
  webhook_id: Type.String(),
  tenant: Type.Union([Type.String(), Type.Null()]),
  alert_id: Type.String(),
  event: Type.String({ description: 'alert.raised' }),
  status: Type.Union(DELIVERY_STATUSES.map(s => Type.Literal(s)), { description: 'pending: being retried; failed: every attempt failed; dropped: the webhook was disabled or deleted meanwhile' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  attempts: Type.Array(Attempt)
}, { $id: 'Delivery' })
export type Delivery = Static<typeof Delivery>
