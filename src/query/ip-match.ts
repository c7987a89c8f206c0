import { isIP } from 'node:net'

/** An address or a CIDR block (IPv4 or IPv6), as an `ip` field's term query takes it. */
export function isIpOrCidr (value: string): boolean {
  const slash = value.indexOf('/')
  if (slash === -1) return isIP(value) !== 0
  const version = isIP(value.slice(0, slash))
  const prefix = value.slice(slash + 1)
  if (version === 0 || !/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (version === 4 ? 32 : 128)
}
