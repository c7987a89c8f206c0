import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// 127.0.0.0/8, 0.0.0.0/8 (this host), and in IPv6 ::1, :: and the IPv4-compatible forms of both (::/104 holds
// them all, ::7f00:0/104 is ::127.x); IPv4-mapped addresses (::ffff:127.0.0.1) are checked as IPv4 by BlockList.
const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addSubnet('0.0.0.0', 8, 'ipv4')
LOOPBACK.addSubnet('::', 104, 'ipv6')
LOOPBACK.addSubnet('::7f00:0', 104, 'ipv6')
// Never a receiver: link-local addresses, where most clouds serve their instances' credentials (169.254.169.254),
// and the clouds' other instance metadata addresses (AWS over IPv6, Alibaba).
const LINK_LOCAL = new BlockList()
LINK_LOCAL.addSubnet('169.254.0.0', 16, 'ipv4')
LINK_LOCAL.addSubnet('fe80::', 10, 'ipv6')
LINK_LOCAL.addAddress('fd00:ec2::254', 'ipv6')
LINK_LOCAL.addAddress('100.100.100.200', 'ipv4')

const inList = (list: BlockList, address: string): boolean => {
  const kind = isIP(address)
  return kind !== 0 && list.check(address, kind === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Whether a URL's or a destination's host is this machine: `localhost` (and its subdomains, with or without the
 * final dot) and the loopback addresses in any notation the resolver takes (127.1, 2130706433, 0x7f000001,
 * [::ffff:127.0.0.1], [0:0::1]). Webhooks and streams refuse such receivers unless the operator allows them
 * (tests, a local relay). Names are checked once resolved, as each connection is made (`receiverLookup`).
 */
export function isLoopbackHost (host: string): boolean {
  const h = canonicalHost(host)
  if (h === undefined) return false
  return h === 'localhost' || h.endsWith('.localhost') || inList(LOOPBACK, h)
}

/** Whether a host is a link-local or instance metadata address (169.254.0.0/16, fe80::/10…), in any notation the resolver takes. */
export function isLinkLocalHost (host: string): boolean {
  const h = canonicalHost(host)
  return h !== undefined && inList(LINK_LOCAL, h)
}

/** Why a resolved address may not receive, or undefined. */
export function refusedAddress (address: string, allowLoopback: boolean): string | undefined {
  if (inList(LINK_LOCAL, address)) return `${address} is link-local or a cloud's instance metadata address`
  if (!allowLoopback && inList(LOOPBACK, address)) return `${address} is a loopback address, not allowed as a receiver on this service`
  return undefined
}

/**
 * The resolver for connections to receivers: a name that resolves to an address a receiver may not have is
 * refused as the connection is made, so that no DNS answer (rebinding included) leads a send to this host's
 * services or to the cloud's instance metadata. Node does not resolve an address written as such: senders check
 * those themselves (`destinationProblems`, `webhookUrlProblem`) at each send.
 */
export function receiverLookup (allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (err, address: string | LookupAddress[], family?: number) => {
      if (err !== null) { callback(err, '', 0); return }
      const refused = (Array.isArray(address) ? address.map(a => a.address) : [address]).map(a => refusedAddress(a, allowLoopback)).find(r => r !== undefined)
      if (refused !== undefined) { callback(Object.assign(new Error(`receiver ${hostname} refused: ${refused}`), { code: 'ERECEIVERADDRESS' }), '', 0); return }
      callback(null, address, family)
    })
  }
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
