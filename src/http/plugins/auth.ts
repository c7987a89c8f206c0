import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Authenticator, Principal } from '../../auth/api-keys.ts'
import { seesMasked, type RouteScope } from '../../auth/scopes.ts'
import type { ReadScope } from '../../auth/read-scope.ts'
import type { SessionAuth } from './session-auth.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs. A route with neither `scope` nor `public: true` is refused to everyone. */
    scope?: RouteScope
    public?: boolean
  }
  interface FastifyRequest {
    principal?: Principal
  }
}

/** Checks the API key on every route before anything else runs; deny by default. */
export function installAuth (app: FastifyInstance, keys: Authenticator, sessions?: SessionAuth): void {
  app.decorateRequest('principal', undefined)
  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config
    if (config.public === true) return
    if (request.routeOptions.url === undefined) return // 404s carry no data
    if (config.scope === undefined) {
      return await reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'this route has no access rule' })
    }
    // A single sign-on session (cookie, no Authorization header) or an API key.
    const result = sessions?.applies(request) === true ? await sessions.check(request, config.scope) : await keys.check(request.headers.authorization, config.scope)
    if (!result.ok) {
      return await reply.code(result.status).send({ statusCode: result.status, error: result.status === 401 ? 'Unauthorized' : 'Forbidden', message: result.message })
    }
    request.principal = result.principal
  })
  // What a key or a session reads is the trail itself: no shared cache or browser keeps a copy of it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.principal !== undefined && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    return payload
  })
}

/** Who the authenticated caller is, as reads see it: its key, its tenant, and whether it sees personal data masked. */
export function readScopeOf (request: FastifyRequest): ReadScope {
  const p = request.principal
  if (p === undefined) throw new Error('readScopeOf called on a route without authentication')
  return { keyId: p.keyId, tenant: p.tenant, masked: seesMasked(p.scopes) }
}
