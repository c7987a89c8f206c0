import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AccessLog } from '../../store/system/access-log.ts'
import { redactedUrl } from './redacted-url.ts'
import { TENANT_NAME } from '../../auth/tenant-name.ts'

declare module 'fastify' {
  interface FastifyRequest {
    resultCount?: number
    /** The tenants whose objects a change touched, noted by the route: see noteChangedTenants. */
    changedTenants?: string[]
  }
  interface FastifyContextConfig {
    /** Names the change a route makes (alert.status_changed…), recorded as the entry's action. */
    audit?: string
  }
}

const TOTAL = /^\{"total":(\d+)/
const MAX_REQUEST = 8192
/** Status recorded for an answer the client stopped reading (nginx's "client closed request"). */
export const CLIENT_CLOSED = 499
// Secrets a body may carry (stream tokens and CAs, webhook secrets): never kept in the log, whatever the route.
const SECRET_KEYS = new Set(['token', 'ca', 'secret', 'password', 'client_secret'])
const MAX_DEPTH = 32

/** A copy of a request body fit for the log: secrets replaced, nesting cut (a deep body must not stop the record). */
export function loggedBody (value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '(nested too deeply to be recorded)'
  if (Array.isArray(value)) return value.map(v => loggedBody(v, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEYS.has(k) && v !== undefined && v !== null ? '(redacted)' : loggedBody(v, depth + 1)]))
}

/**
 * Notes whose objects a change touched (a key, a stream, dead letters), so that a platform key's
 * change on a tenant's objects is in that tenant's access log too, not only in the platform's. A tenant key's
 * changes stay within its tenant: for those, nothing needs noting.
 */
export function noteChangedTenants (request: FastifyRequest, tenants: Iterable<string | null | undefined>): void {
  const list = request.changedTenants ?? []
  // A name from a body not yet checked is noted only if it can be a tenant's.
  for (const t of tenants) if (typeof t === 'string' && TENANT_NAME.test(t) && !list.includes(t)) list.push(t)
  request.changedTenants = list
}

/**
 * Every authenticated read of the trail (search, aggregation, export, saved-search run, key and log listing)
 * is itself recorded: who, which route, with which parameters and body, the status and how many results. An
 * answer the client stops reading (a streamed export cut off) is recorded too, with status 499.
 */
export function installAccessAudit (app: FastifyInstance, log: AccessLog): void {
  app.decorateRequest('resultCount', undefined)
  app.decorateRequest('changedTenants', undefined)
  const recorded = new WeakSet<FastifyRequest>()
  const record = (request: FastifyRequest, reply: FastifyReply, status: number): void => {
    const principal = request.principal
    if (recorded.has(request) || principal === undefined || request.routeOptions.config.scope === 'ingest') return
    recorded.add(request)
    const body = request.body === undefined ? undefined : JSON.stringify(loggedBody(request.body))
    log.record({
      '@timestamp': new Date().toISOString(),
      key_id: principal.keyId,
      ...(principal.person === undefined ? {} : { person: principal.person.name }),
      tenant: principal.tenant,
      ...(principal.tenant === null && request.changedTenants !== undefined && request.changedTenants.length > 0 ? { target_tenants: request.changedTenants } : {}),
      ...(request.routeOptions.config.audit === undefined ? {} : { action: request.routeOptions.config.audit }),
      method: request.method,
      route: request.routeOptions.url ?? redactedUrl(request.url),
      url: redactedUrl(request.url),
      ...(request.params !== undefined && Object.keys(request.params as object).length > 0 ? { params: request.params as Record<string, unknown> } : {}),
      ...(body === undefined ? {} : { request: body.slice(0, MAX_REQUEST) }),
      status,
      ...(request.resultCount === undefined ? {} : { results: request.resultCount }),
      took_ms: reply.elapsedTime
    })
  }
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload === 'string' && request.resultCount === undefined) {
      const m = TOTAL.exec(payload)
      if (m !== null) request.resultCount = Number(m[1])
    }
    // Fastify runs onResponse only once an answer is finished: one the client cuts off is recorded here.
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) record(request, reply, CLIENT_CLOSED) })
    return payload
  })
  app.addHook('onResponse', async (request, reply) => { record(request, reply, reply.statusCode) })
}
