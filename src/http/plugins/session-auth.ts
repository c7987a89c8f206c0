import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { AuthResult } from '../../auth/api-keys.ts'
import { grants, type RouteScope } from '../../auth/scopes.ts'
import type { SessionStore } from '../../auth/session-store.ts'
import { readCookie, type CookieNames } from '../../auth/session-cookie.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The single sign-on session that authenticated this request, if one did. */
    personSession?: { csrf: string, expiresAt: number }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/** Compared as digests: equal lengths for timingSafeEqual, and no timing tells how much of a guess was right. */
export function sameToken (presented: string | string[] | undefined, expected: string): boolean {
  return typeof presented === 'string' && timingSafeEqual(digest(presented), digest(expected))
}

/**
 * Authenticates requests that carry the session cookie and no Authorization header (a key always wins).
 * Requests that change anything must also carry the session's token in `X-CSRF-Token`.
 */
export class SessionAuth {
  constructor (private readonly store: SessionStore, private readonly cookies: CookieNames) {}

  static install (app: FastifyInstance): void {
    app.decorateRequest('personSession', undefined)
  }

  applies (request: FastifyRequest): boolean {
    return request.headers.authorization === undefined && readCookie(request.headers.cookie, this.cookies.session) !== undefined
  }

  async check (request: FastifyRequest, needed: RouteScope): Promise<AuthResult> {
    const id = readCookie(request.headers.cookie, this.cookies.session)
    const record = id === undefined ? undefined : await this.store.open(id)
    if (record === undefined) {
      return { ok: false, status: 401, message: 'your session has ended (signed out, unused for too long, or past its limit); sign in again' }
    }
    if (!SAFE_METHODS.has(request.method) && !sameToken(request.headers['x-csrf-token'], record.csrf)) {
      return { ok: false, status: 403, message: 'requests that change data with a session must carry its X-CSRF-Token header (csrfToken in GET /v1/me)' }
    }
    if (!grants(record.principal.scopes, needed)) return { ok: false, status: 403, message: `your roles do not grant the "${needed}" scope` }
    request.personSession = { csrf: record.csrf, expiresAt: record.expiresAt }
    return { ok: true, principal: record.principal }
  }
}
