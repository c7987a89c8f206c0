import { BlockList, isIP } from 'node:net'

// 127.0.0.0/8, 0.0.0.0/8 (this host), and in IPv6 ::1, :: and the IPv4-compatible forms of both (::/104 holds
// them all, ::7f00:0/104 is ::127.x); IPv4-mapped addresses (::ffff:127.0.0.1) are checked as IPv4 by BlockList.
const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addSubnet('0.0.0.0', 8, 'ipv4')
LOOPBACK.addSubnet('::', 104, 'ipv6')
LOOPBACK.addSubnet('::7f00:0', 104, 'ipv6')

/**
 * Whether a URL's or a destination's host is this machine: `localhost` (and its subdomains, with or without the
 * final dot) and the loopback addresses in any notation the resolver takes (127.1, 2130706433, 0x7f000001,
 * [::ffff:127.0.0.1], [0:0::1]). Webhooks and streams refuse such receivers unless the operator allows them
 * (tests, a local relay). Names are not resolved: a name that resolves to a loopback address is the operator's
 * DNS to keep right.
 */
export function isLoopbackHost (host: string): boolean {
  const h = canonicalHost(host)
  if (h === undefined) return false
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  const kind = isIP(h)
  return kind !== 0 && LOOPBACK.check(h, kind === 4 ? 'ipv4' : 'ipv6')
}

/** The host as the URL parser writes it (what a connection reaches): IPv4 as dotted quads, IPv6 shortest, lower case. */
function canonicalHost (host: string): string | undefined {
  const bare = host.replace(/^\[|\]$/g, '')
  try {
    return new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}`).hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '')
  } catch {
    return undefined
  }
}
