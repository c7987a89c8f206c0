import type { Stream } from './types.ts'

/**
 * A stream as the API takes it back (`PUT /v1/streams/{id}`), as it stands: what the console does not show (filters,
 * zone, batch size, a syslog receiver's facility and host name) kept, and the secrets (token, CA) left out, which
 * the API keeps. Changes are spread over it.
 */
export function inputOf (s: Stream): Record<string, unknown> {
  const d = s.destination
  const destination = d.type === 'http' ? { type: 'http', url: d.url } : { type: 'syslog', host: d.host, port: d.port, tls: d.tls, facility: d.facility, hostname: d.hostname }
  return { name: s.name, destination, batchSize: s.batchSize, enabled: s.enabled, filters: s.filters, query: s.query, timeZone: s.timeZone }
}
