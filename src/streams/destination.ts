import type { FieldError } from '../errors.ts'
import { isLoopbackHost, refusedHost, type ReceiverRules } from '../validation/receiver-address.ts'
import type { StoredSecrets } from '../store/system/stored-secrets.ts'
import type { Stream, StreamDestination } from './schema.ts'

const REFUSED = {
  'link-local': 'link-local and instance metadata receivers (169.254.0.0/16, fe80::/10…) are not allowed',
  loopback: 'loopback receivers are not allowed on this service (SILLAGE_STREAMS_ALLOW_LOOPBACK)',
  private: 'private network receivers (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7) are not allowed on this service (SILLAGE_RECEIVERS_ALLOW_PRIVATE)'
}

/**
 * A destination is accepted when it is encrypted (https, syslog over TLS); plain http and plain TCP only towards
 * loopback receivers; loopback and private network receivers only where the operator allows them (`rules`); never
 * a link-local address. Names are checked once resolved, as each connection is made (`receiverLookup`).
 */
export function destinationProblems (d: StreamDestination, rules: ReceiverRules): FieldError[] {
  const problem = (path: string, message: string): FieldError[] => [{ index: 0, path: `/destination/${path}`, message }]
  if (d.type === 'http') {
    let url: URL
    try {
      url = new URL(d.url)
    } catch {
      return problem('url', 'must be an absolute URL')
    }
    if (url.username !== '' || url.password !== '') return problem('url', 'must not carry credentials: send a token instead')
    const refused = refusedHost(url.hostname, rules)
    if (refused !== undefined) return problem('url', REFUSED[refused])
    const loopback = isLoopbackHost(url.hostname)
    if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return []
    return problem('url', 'must be https:// (plain http only towards loopback receivers where allowed)')
  }
  const refused = refusedHost(d.host, rules)
  if (refused !== undefined) return problem('host', REFUSED[refused])
  const loopback = isLoopbackHost(d.host)
  if (d.tls === false && !loopback) return problem('tls', 'syslog leaves the service over TLS only (plain TCP only towards loopback receivers where allowed)')
  if (d.ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(d.ca)) return problem('ca', 'must be PEM certificates')
  return []
}

/** The destination as answers show it: no token, no certificate body. */
export function publicDestination (d: StreamDestination): Stream['destination'] {
  if (d.type === 'http') return { type: 'http', url: d.url, hasToken: d.token !== undefined }
  return { type: 'syslog', host: d.host, port: d.port, tls: d.tls ?? true, hasCa: d.ca !== undefined, facility: d.facility ?? 13, hostname: d.hostname ?? 'sillage' }
}

/** What a stream's stored token is bound to. */
export const streamRecord = (id: string): string => `stream/${id}`

/** The destination as stored: an HTTP token sealed (SILLAGE_SECRETS_KEY), bound to its stream. */
export function sealedDestination (d: StreamDestination, id: string, secrets: StoredSecrets): StreamDestination {
  return d.type === 'http' && d.token !== undefined ? { ...d, token: secrets.seal(d.token, streamRecord(id)) } : d
}

/** An update that leaves out the token (or the CA) keeps the stored one, as the answers never show it. */
export function keepSecrets (next: StreamDestination, stored: StreamDestination): StreamDestination {
  if (next.type === 'http' && stored.type === 'http' && next.token === undefined && stored.token !== undefined && next.url === stored.url) return { ...next, token: stored.token }
  if (next.type === 'syslog' && stored.type === 'syslog' && next.ca === undefined && stored.ca !== undefined && next.host === stored.host) return { ...next, ca: stored.ca }
  return next
}
