import { isIP } from 'node:net'

/**
 * Whether a URL's or a destination's host is this machine: `localhost` (and its subdomains, with or without the
 * final dot), 127.0.0.0/8, 0.0.0.0, ::1, :: and IPv4-mapped 127.x. Webhooks and streams refuse such receivers
 * unless the operator allows them (tests, a local relay). Names are not resolved: a name that resolves to a
 * loopback address is the operator's DNS to keep right.
 */
export function isLoopbackHost (host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase()
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIP(h) === 4) return h.startsWith('127.') || h === '0.0.0.0'
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || h === '::' || /^::ffff:127\./.test(h)
  return false
}
