import { isIP } from 'node:net'

/** An address or a CIDR block (IPv4 or IPv6), as an `ip` field's term query takes it. */
export function isIpOrCidr (value: string): boolean {
  // A zone id (fe80::1%eth0) names an interface of one host: Elasticsearch's ip fields have none.
  if (value.includes('%')) return false
  const slash = value.indexOf('/')
  if (slash === -1) return isIP(value) !== 0
  const version = isIP(value.slice(0, slash))
  const prefix = value.slice(slash + 1)
  if (version === 0 || !/^\d{1,3}$/.test(prefix)) return false
  // Elasticsearch refuses a prefix on an IPv4-mapped IPv6 address (::ffff:1.2.3.4/120): v4 or v6 bits?
  if (version === 6 && /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(new URL(`http://[${value.slice(0, slash)}]`).hostname)) return false
  return Number(prefix) <= (version === 4 ? 32 : 128)
}
