import type { Scope } from '../../api/types.ts'

/** Shapes of the admin routes: src/http/routes/{api-keys,rules,access-log}.ts. */
export interface KeyInfo {
  key_id: string
  name: string
  scopes: Scope[]
  tenant: string | null
  created_at: string
  created_by: string
  revoked_at: string | null
  replaced_by: string | null
}

/** A new key: the secret is in this answer only (the API stores its hash). */
export interface CreatedKey { key: string, info: KeyInfo }

export const SCOPES: Scope[] = ['ingest', 'read', 'read:masked', 'export', 'admin']

export interface Rule {
  id: string
  level: string
  score: number
  why: string
  when: { categories?: string[], actions?: string[], outcomes?: string[], actorTypes?: string[], minAmount?: number }
}

export interface RulesTable { version: number, updatedAt: string | null, updatedBy: string | null, rules: Rule[] }

export interface AccessEntry {
  '@timestamp': string
  id?: string
  key_id: string
  tenant: string | null
  /** For a platform key's change: the tenants whose objects it touched. */
  target_tenants?: string[]
  /** The change the request made (api_key.created…); absent on reads. */
  action?: string
  method: string
  route: string
  url: string
  params?: Record<string, unknown>
  request?: string
  status: number
  results?: number
  took_ms: number
}

/** A dead letter as GET /v1/dead-letters lists it (src/http/routes/dead-letters.ts). */
export interface DeadLetter {
  id: string
  event_id: string
  tenant: string
  target_index: string
  status: number
  error_type: string
  reason: string
  refused_at: string
  replayed_at: string | null
  replayed_by: string | null
  replays: number
}

/** What a replay did: letters whose event is queued again, and those skipped with why. */
export interface Replayed { queued: Array<{ id: string, event_id: string }>, skipped: Array<{ id: string, reason: string }> }

export type Severity = 'low' | 'medium' | 'high' | 'critical'

/** A webhook as GET /v1/webhooks lists it (src/notify/webhook-schema.ts); its secret only at creation. */
export interface Webhook { id: string, name: string, url: string, enabled: boolean, minSeverity: Severity, tenant: string | null, updated_at: string, version: string }
export interface CreatedWebhook extends Webhook { secret: string }

/** One alert's delivery to a webhook, with every attempt. */
export interface Delivery {
  id: string
  alert_id: string
  status: 'pending' | 'succeeded' | 'failed' | 'dropped'
  created_at: string
  attempts: Array<{ at: string, attempt: number, httpStatus: number | null, error: string | null, durationMs: number }>
}

/** A log stream and where its delivery stands (src/streams/schema.ts). */
export type StreamDestination =
  | { type: 'http', url: string, hasToken: boolean }
  | { type: 'syslog', host: string, port: number, tls: boolean, hasCa: boolean, facility: number, hostname: string }

export interface Stream {
  id: string
  name: string
  tenant: string
  destination: StreamDestination
  filters?: Record<string, unknown>
  query?: string
  timeZone?: string
  batchSize: number
  enabled: boolean
  version: string
  state: { deliveredAt: string | null, deliveredTotal: number, lagSeconds: number, failingSince: string | null, consecutiveFailures: number, lastError: { at: string, message: string } | null, nextAttemptAt: string | null }
}
