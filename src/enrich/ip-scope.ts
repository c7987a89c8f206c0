import { BlockList, isIP } from 'node:net'
import type { IpScope } from '../events/enrichment.ts'

function list (ranges: Array<[string, number, 'ipv4' | 'ipv6']>): BlockList {
  const bl = new BlockList()
  for (const [net, prefix, type] of ranges) bl.addSubnet(net, prefix, type)
  return bl
}

const LOOPBACK = list([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])
const PRIVATE = list([
  ['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], ['169.254.0.0', 16, 'ipv4'],
  ['fc00::', 7, 'ipv6'], ['fe80::', 10, 'ipv6']
])
// Documentation, benchmarking, multicast and "this network" ranges never locate a real client.
const RESERVED = list([
  ['0.0.0.0', 8, 'ipv4'], ['192.0.2.0', 24, 'ipv4'], ['198.51.100.0', 24, 'ipv4'], ['203.0.113.0', 24, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'], ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'], ['2001:db8::', 32, 'ipv6'], ['ff00::', 8, 'ipv6']
])

/** IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) are judged, and located, as the IPv4 they carry. */
export function unmapIp (ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)
  return m?.[1] ?? ip.toLowerCase()
}

export function ipScope (ip: string): IpScope | undefined {
  const addr = unmapIp(ip)
  const version = isIP(addr)
  if (version === 0) return undefined
  const type = version === 4 ? 'ipv4' : 'ipv6'
  if (LOOPBACK.check(addr, type)) return 'loopback'
  if (PRIVATE.check(addr, type)) return 'private'
  if (RESERVED.check(addr, type)) return 'reserved'
  return 'public'
}
