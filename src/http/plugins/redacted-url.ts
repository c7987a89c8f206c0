import type { FastifyBaseLogger, FastifyRequest } from 'fastify'

// Query parameters that carry a secret: the sign-in callback's authorisation code, state and session state, and
// the tokens a provider set up for another flow could send there. Logs keep that they were present, not their values.
const SECRET_PARAMS = new Set(['code', 'state', 'session_state', 'access_token', 'id_token'])

const decoded = (name: string): string => {
  try { return decodeURIComponent(name.replace(/\+/g, ' ')) } catch { return name }
}

/** The URL as logs keep it: secret query values replaced, everything else as requested. */
export function redactedUrl (url: string): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const query = url.slice(q + 1).split('&').map(part => {
    const eq = part.indexOf('=')
    return eq >= 0 && SECRET_PARAMS.has(decoded(part.slice(0, eq))) ? `${part.slice(0, eq)}=(redacted)` : part
  })
  return `${url.slice(0, q + 1)}${query.join('&')}`
}

/** The request log's view of a request (Fastify's own fields), with its URL redacted. */
function loggedRequest (request: FastifyRequest): object {
  return { method: request.method, url: redactedUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }
}

/** The logger for the HTTP application: Fastify logs each request through it, with the URL redacted. */
export function withRedactedUrls (logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { serializers: { req: loggedRequest } })
}
