/** Shapes of the API answers the console reads (the OpenAPI document at /openapi.json is the reference). */
export type Scope = 'ingest' | 'read' | 'read:masked' | 'export' | 'admin'

export interface Me {
  keyId: string
  tenant: string | null
  scopes: Scope[]
  masked: boolean
  /** Signed in through single sign-on: the person. */
  person?: { subject: string, name: string, issuer: string }
  /** A single sign-on session: its CSRF token (sent on every request other than GET) and its absolute end. */
  session?: { csrfToken: string, expiresAt: string }
}

export interface AuthMethods { apiKey: boolean, sso: boolean }

export interface FieldInfo { name: string, type: string, masked: boolean, multiFieldOf?: string }

export type StoredEvent = Record<string, unknown>
export interface Hit { id: string, event: StoredEvent, highlight?: Record<string, string[]> }
export interface SearchResponse { total: number, events: Hit[], cursor: string | null, took_ms: number, partial: boolean, failed_shards: number }

export interface Filters {
  category?: string[]
  action?: string[]
  period?: { from?: string, to?: string, timeZone?: string }
  ip?: string[]
  sessionId?: string[]
  userId?: string[]
  operatorId?: string[]
  actorType?: string[]
  outcome?: string[]
  importance?: { levels?: string[], min?: string }
  country?: string[]
  deviceType?: string[]
  browser?: string[]
  os?: string[]
  amount?: { gte?: number, lte?: number }
  currency?: string[]
  text?: string
}

export interface SearchRequest {
  filters?: Filters
  query?: string
  timeZone?: string
  sort?: Array<{ field: string, order: 'asc' | 'desc' }>
  size?: number
  /** Projection: only these fields (and event.id, @timestamp) of each event. */
  fields?: string[]
  cursor?: string
}

export interface Group {
  key: string | number | null
  count: number
  metrics?: { uniqueUsers?: number, uniqueIps?: number, amount?: { count: number, sum: number, avg: number | null, min: number | null, max: number | null } }
  groups?: Group[]
  otherCount?: number
  missingCount?: number
}
export interface AggregateResponse { total: number, groups: Group[], otherCount: number, missingCount: number, complete: boolean, exact: boolean, took_ms: number }
