import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Sso } from '../../auth/sso.ts'
import { LOGIN_FLOW_SECONDS } from '../../auth/session-store.ts'
import { clearCookie, readCookie, setCookie } from '../../auth/session-cookie.ts'
import { sameToken } from '../plugins/session-auth.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { ForbiddenError, NotFoundError } from '../../errors.ts'

const Methods = Type.Object({
  apiKey: Type.Boolean({ description: 'API keys are accepted (always)' }),
  sso: Type.Boolean({ description: 'Single sign-on is configured: people sign in at GET /v1/auth/oidc/login' })
})
const error = (description: string): ReturnType<typeof Type.Ref> => Type.Ref(ErrorResponse, { description })
const noStore = { 'cache-control': 'no-store' }
// The page's only style, in the console's colours, allowed by its hash: the policy still loads nothing else.
const PAGE_STYLE = 'body{margin:0;background:#f4f6f9;color:#1a2330;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}' +
  'main{max-width:36rem;margin:12vh auto 0;padding:20px 28px;background:#fff;border:1px solid #d5dbe3;border-radius:6px}' +
  'h1{margin:0 0 8px;font-size:20px}.brand{margin:0 0 12px;font-weight:700;letter-spacing:.04em}a{color:#0b57b3}'
const STYLE_SOURCE = `'sha256-${createHash('sha256').update(PAGE_STYLE).digest('base64')}'`
const PAGE_HEADERS = { 'content-security-policy': `default-src 'none'; style-src ${STYLE_SOURCE}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', ...noStore }
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escape = (s: string): string => s.replace(/[&<>"']/g, c => ESCAPES[c] as string)

/** A refused sign-in: a short page for the browser that was redirected here, JSON for anything else. */
const ERRORS = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' } as const

async function refuse (request: FastifyRequest, reply: FastifyReply, status: keyof typeof ERRORS, reason: string): Promise<FastifyReply> {
  const title = status === 403 ? 'Sign-in refused' : 'Sign-in failed'
  if (!/text\/html/.test(request.headers.accept ?? '')) {
    return await reply.code(status).headers(noStore).send({ statusCode: status, error: ERRORS[status], message: reason })
  }
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title} · Sillage</title><style>${PAGE_STYLE}</style></head>` +
    `<body><main><p class="brand">Sillage</p><h1>${title}</h1><p>${escape(reason.charAt(0).toUpperCase() + reason.slice(1))}.</p><p><a href="/console/">Back to the console</a></p></main></body></html>`
  return await reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page)
}

/**
 * Single sign-on for people through OpenID Connect: the login redirect, the provider's callback (which opens a
 * session), and logout. Thin: the flow is in auth/oidc-login.ts, the sessions in auth/session-store.ts.
 */
export const ssoRoutes: FastifyPluginAsyncTypebox<{ sso: Sso | undefined }> = async (app, { sso }) => {
  const flowCookie = { secure: sso?.secure ?? true, sameSite: 'Lax' as const }
  const sessionCookie = { secure: sso?.secure ?? true, sameSite: 'Strict' as const }

  app.get('/v1/auth/methods', {
    config: { public: true },
    schema: { tags: ['auth'], summary: 'How one may sign in: API keys, and single sign-on when it is configured', response: { 200: Methods } }
  }, async () => ({ apiKey: true, sso: sso !== undefined }))

  app.get('/v1/auth/oidc/login', {
    config: { public: true },
    schema: {
      tags: ['auth'],
      summary: 'Starts a single sign-on: redirects the browser to the identity provider (authorisation code flow with PKCE)',
      querystring: Type.Object({
        // Printable ASCII but the backslash: anything else is percent-encoded by browsers, and cannot go in a Location header.
        return_to: Type.Optional(Type.String({ pattern: '^/console/[\\x21-\\x5b\\x5d-\\x7e]*$', maxLength: 2000, description: 'Console path to land on once signed in (printable ASCII, no backslash; percent-encode the rest)' }))
      }, { additionalProperties: false }),
      response: {
        302: Type.Null({ description: 'To the provider; sets the short-lived login cookie' }),
        404: error('Single sign-on is not configured'),
        429: error('Too many sign-ins begun from this address (60 a minute) or in all (600 a minute per API process); retry after Retry-After'),
        503: error('The provider cannot be reached')
      }
    }
  }, async (request, reply) => {
    if (sso === undefined) return await refuse(request, reply, 404, 'single sign-on is not configured on this service (SILLAGE_OIDC_ISSUER)')
    const wait = sso.starts.take(request.ip)
    if (wait > 0) return await refuse(request, reply.header('retry-after', String(wait)), 429, `too many sign-ins begun; retry after ${wait} s`)
    const { url, flowId } = await sso.login.start(request.query.return_to ?? '/console/')
    return await reply.headers(noStore).header('set-cookie', setCookie(sso.cookies.flow, flowId, { ...flowCookie, maxAgeSeconds: LOGIN_FLOW_SECONDS })).redirect(url, 302)
  })

  app.get('/v1/auth/oidc/callback', {
    // Recorded once the person is known: a refused sign-in has no one to record it for (it is in the request log).
    config: { public: true, audit: 'person.signed_in' },
    schema: {
      tags: ['auth'],
      summary: 'Where the identity provider sends the browser back: opens a session and redirects to the console',
      querystring: Type.Object({ code: Type.Optional(Type.String()), state: Type.Optional(Type.String()), error: Type.Optional(Type.String()) }),
      response: {
        303: Type.Null({ description: 'Signed in: the session cookie is set; to the console' }),
        400: error('The sign-in could not be completed (expired, replayed, or refused by the provider)'),
        403: error('The person holds no mapped role or names no tenant; no session (an HTML page for browsers)'),
        404: error('Single sign-on is not configured'),
        503: error('The provider cannot be reached')
      }
    }
  }, async (request, reply) => {
    if (sso === undefined) return await refuse(request, reply, 404, 'single sign-on is not configured on this service (SILLAGE_OIDC_ISSUER)')
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''
    reply.header('set-cookie', clearCookie(sso.cookies.flow, flowCookie))
    const result = await sso.login.finish(readCookie(request.headers.cookie, sso.cookies.flow), search)
    if (!result.ok) {
      request.log.warn({ reason: result.reason }, 'single sign-on refused')
      return await refuse(request, reply, result.status, result.reason)
    }
    const previous = readCookie(request.headers.cookie, sso.cookies.session)
    if (previous !== undefined) await sso.sessions.end(previous)
    const { id } = await sso.sessions.create(result.principal)
    // Recorded in the access log as this person's sign-in.
    request.principal = result.principal
    request.log.info({ person: result.principal.keyId, tenant: result.principal.tenant, scopes: result.principal.scopes }, 'person signed in')
    return await reply.headers(noStore).header('set-cookie', setCookie(sso.cookies.session, id, sessionCookie)).redirect(result.returnTo, 303)
  })

  app.post('/v1/auth/logout', {
    config: { public: true, audit: 'person.signed_out' },
    schema: {
      tags: ['auth'],
      summary: 'Ends the single sign-on session of this browser (needs its X-CSRF-Token); nothing to do for API keys',
      response: { 204: Type.Null({ description: 'Signed out; the session cookie is cleared' }), 403: error('The session\'s X-CSRF-Token header is missing or wrong') }
    }
  }, async (request, reply) => {
    const id = sso === undefined ? undefined : readCookie(request.headers.cookie, sso.cookies.session)
    if (sso === undefined || id === undefined) return await reply.code(204).send(null)
    const record = await sso.sessions.open(id)
    if (record !== undefined && !sameToken(request.headers['x-csrf-token'], record.csrf)) {
      return await reply.code(403).send({ statusCode: 403, error: 'Forbidden', message: 'signing out needs the session\'s X-CSRF-Token header (csrfToken in GET /v1/me)' })
    }
    await sso.sessions.end(id)
    if (record !== undefined) request.principal = record.principal
    return await reply.code(204).header('set-cookie', clearCookie(sso.cookies.session, sessionCookie)).send(null)
  })

  app.delete('/v1/people/:personId/sessions', {
    config: { scope: 'admin', audit: 'person.sessions_ended' },
    schema: {
      tags: ['auth'],
      summary: 'Ends every single sign-on session of a person (someone leaving, or whose roles changed at the provider)',
      description: 'Platform administrators only. The person id is the `keyId` their sessions act under (`person:…`, in the access log and GET /v1/me). ' +
        'Sessions opened until now end at their next use; signing in again opens a new one, with the roles the provider gives then.',
      params: Type.Object({ personId: Type.String({ pattern: '^person:[0-9a-f]{8}:.+$', maxLength: 300 }) }),
      response: { 204: Type.Null({ description: 'Ended' }), ...authErrors, 404: error('Single sign-on is not configured') }
    }
  }, async (request, reply) => {
    if (request.principal?.tenant !== null) throw new ForbiddenError('only a platform administrator (a key of no tenant) ends sessions: a person is not confined to one tenant')
    if (sso === undefined) throw new NotFoundError('single sign-on is not configured on this service (SILLAGE_OIDC_ISSUER)')
    await sso.sessions.endAllOf(request.params.personId)
    return await reply.code(204).send(null)
  })
}
