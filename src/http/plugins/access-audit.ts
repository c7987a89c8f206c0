import type { FastifyInstance } from 'fastify'
import type { AccessLog } from '../../store/system/access-log.ts'

declare module 'fastify' {
  interface FastifyRequest {
    resultCount?: number
  }
  interface FastifyContextConfig {
    /** Names the change a route makes (alert.status_changed…), recorded as the entry's action. */
    audit?: string
  }
}

const TOTAL = /^\{"total":(\d+)/
const MAX_REQUEST = 8192

/**
 * Every authenticated read of the trail (search, aggregation, export, saved-search run, key and log listing)
 * is itself recorded: who, which route, with which parameters and body, the status and how many results.
 */
export function installAccessAudit (app: FastifyInstance, log: AccessLog): void {
  app.decorateRequest('resultCount', undefined)
  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string' && request.resultCount === undefined) {
      const m = TOTAL.exec(payload)
      if (m !== null) request.resultCount = Number(m[1])
    }
    return payload
  })
  app.addHook('onResponse', async (request, reply) => {
    const principal = request.principal
    if (principal === undefined || request.routeOptions.config.scope === 'ingest') return
    const body = request.body === undefined ? undefined : JSON.stringify(request.body)
    log.record({
      '@timestamp': new Date().toISOString(),
      key_id: principal.keyId,
      ...(principal.person === undefined ? {} : { person: principal.person.name }),
      tenant: principal.tenant,
      ...(request.routeOptions.config.audit === undefined ? {} : { action: request.routeOptions.config.audit }),
      method: request.method,
      route: request.routeOptions.url ?? request.url,
      url: request.url,
      ...(request.params !== undefined && Object.keys(request.params as object).length > 0 ? { params: request.params as Record<string, unknown> } : {}),
      ...(body === undefined ? {} : { request: body.slice(0, MAX_REQUEST) }),
      status: reply.statusCode,
      ...(request.resultCount === undefined ? {} : { results: request.resultCount }),
      took_ms: reply.elapsedTime
    })
  })
}
