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

// Private networks (RFC 1918, the carriers' shared 100.64.0.0/10, IPv6 unique local fc00::/7): where a service's
// internal systems listen, so a tenant's admin could reach them from the worker unless the operator allows them.
const PRIVATE = new BlockList()
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4')
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4')
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4')
PRIVATE.addSubnet('fc00::', 7, 'ipv6')

/**
 * Which receivers inside the service's own networks the operator allows: this host (`loopback`: tests, a local
 * relay) and private networks (`private`: an internal SIEM, on a deployment whose tenants are one organisation).
 */
export interface ReceiverRules { loopback: boolean, private: boolean }
export const NOTHING_INTERNAL: ReceiverRules = { loopback: false, private: false }
export const LOOPBACK_ALLOWED: ReceiverRules = { loopback: true, private: false }

/** Whether an address, or the IPv4 address an IPv6 one carries (NAT64, 6to4, IPv4-compatible), is in the list. */
const inList = (list: BlockList, address: string): boolean => {
  const kind = isIP(address)
  if (kind === 0) return false
  if (list.check(address, kind === 4 ? 'ipv4' : 'ipv6')) return true
  const carried = kind === 6 ? embeddedIPv4(address) : undefined
  return carried !== undefined && list.check(carried, 'ipv4')
}

/**
 * The IPv4 address an IPv6 address reaches through a translator or a tunnel: NAT64 (64:ff9b::/96, RFC 6052), 6to4
 * (2002::/16, RFC 3056) and the IPv4-compatible and IPv4-mapped forms (::/96, ::ffff:0:0/96).
 */
export function embeddedIPv4 (address: string): string | undefined {
  const w = ipv6Words(address)
  if (w === undefined) return undefined
  const quad = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
  const zero = (from: number, to: number): boolean => w.slice(from, to).every(x => x === 0)
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return quad(w[6] as number, w[7] as number)
  if (zero(0, 5) && (w[5] === 0 || w[5] === 0xffff)) return quad(w[6] as number, w[7] as number)
  if (w[0] === 0x2002) return quad(w[1] as number, w[2] as number)
  return undefined
}

/** The eight 16-bit words of an IPv6 address (`::` and a trailing dotted quad expanded), or undefined. */
function ipv6Words (address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined
  let text = address.toLowerCase()
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', tail] = text.split('::')
  const part = (s: string): number[] => s === '' ? [] : s.split(':').map(x => parseInt(x, 16))
  const left = part(head)
  const right = tail === undefined ? [] : part(tail)
  const words = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
  return words.length === 8 ? words : undefined
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

/** Whether a host is an address of a private network (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), in any notation the resolver takes. */
export function isPrivateHost (host: string): boolean {
  const h = canonicalHost(host)
  return h !== undefined && inList(PRIVATE, h)
}

/** Why a receiver's host, as written, may not receive (the kind of address, for the caller's message), or undefined. */
export function refusedHost (host: string, rules: ReceiverRules): 'link-local' | 'loopback' | 'private' | undefined {
  if (isLinkLocalHost(host)) return 'link-local'
  if (!rules.loopback && isLoopbackHost(host)) return 'loopback'
  if (!rules.private && isPrivateHost(host)) return 'private'
  return undefined
}

/** Why a resolved address may not receive, or undefined. */
export function refusedAddress (address: string, rules: ReceiverRules): string | undefined {
  if (inList(LINK_LOCAL, address)) return `${address} is link-local or a cloud's instance metadata address`
  if (!rules.loopback && inList(LOOPBACK, address)) return `${address} is a loopback address, not allowed as a receiver on this service`
  if (!rules.private && inList(PRIVATE, address)) return `${address} is a private network address, not allowed as a receiver on this service (SILLAGE_RECEIVERS_ALLOW_PRIVATE)`
  return undefined
}

/**
 * The resolver for connections to receivers: a name that resolves to an address a receiver may not have is
 * refused as the connection is made, so that no DNS answer (rebinding included) leads a send to this host's
 * services, to the private network's (unless allowed) or to the cloud's instance metadata. Node does not resolve an address written as such: senders check
 * those themselves (`destinationProblems`, `webhookUrlProblem`) at each send.
 */
export function receiverLookup (rules: ReceiverRules): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (err, address: string | LookupAddress[], family?: number) => {
      if (err !== null) { callback(err, '', 0); return }
      const refused = (Array.isArray(address) ? address.map(a => a.address) : [address]).map(a => refusedAddress(a, rules)).find(r => r !== undefined)
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
