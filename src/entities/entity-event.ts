import { createHash } from 'node:crypto'
import { LEVELS, type Level } from '../events/schema.ts'

/** The fields of an event that entities are made of. */
export interface EntityEvent {
  tenant: string
  id: string
  time: number
  ingested: number
  action: string
  outcome: string
  user: string
  device?: string
  ip?: string
  country?: string
  city?: string
  lat?: number
  lon?: number
  amount?: number
  currency?: string
  level: Level
  score: number
}

/** Fields a scan reads for the rebuild (the key, time and id come from the sort). */
export const ENTITY_FIELDS = [
  'audit.tenant', 'event.action', 'event.outcome', 'event.ingested', 'user.id', 'audit.device.id', 'source.ip',
  'source.geo.country_iso_code', 'source.geo.city_name', 'source.geo.location', 'audit.money.amount', 'audit.money.currency',
  'audit.importance.level', 'audit.importance.score'
] as const

const str = (v: unknown): string | undefined => typeof v === 'string' && v !== '' ? v : undefined
const num = (v: unknown): number | undefined => typeof v === 'number' && Number.isFinite(v) ? v : undefined
const levelOf = (v: unknown): Level => (LEVELS as readonly unknown[]).includes(v) ? v as Level : 'low'

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => v !== null && typeof v === 'object' ? v as Obj : {}

/** From an event as stored (its `_source`); undefined when it has no user or time. */
export function fromStored (source: unknown): EntityEvent | undefined {
  const s = obj(source)
  const event = obj(s.event)
  const audit = obj(s.audit)
  const src = obj(s.source)
  const geo = obj(src.geo)
  const loc = obj(geo.location)
  const money = obj(audit.money)
  const importance = obj(audit.importance)
  return build({
    tenant: str(audit.tenant), id: str(event.id), time: str(s['@timestamp']), ingested: str(event.ingested), action: str(event.action),
    outcome: str(event.outcome), user: str(obj(s.user).id), device: str(obj(audit.device).id), ip: str(src.ip),
    country: str(geo.country_iso_code), city: str(geo.city_name), lat: num(loc.lat), lon: num(loc.lon),
    amount: num(money.amount), currency: str(money.currency), level: importance.level, score: num(importance.score)
  })
}

/** From the doc values of a scan (`id` and `time` from its sort). */
export function fromScanned (id: string, time: number, f: Record<string, unknown>): EntityEvent | undefined {
  const loc = obj(f['source.geo.location'])
  const ingested = f['event.ingested']
  return build({
    tenant: str(f['audit.tenant']), id, time, ingested: typeof ingested === 'number' ? ingested : str(ingested),
    action: str(f['event.action']), outcome: str(f['event.outcome']), user: str(f['user.id']), device: str(f['audit.device.id']),
    ip: str(f['source.ip']), country: str(f['source.geo.country_iso_code']), city: str(f['source.geo.city_name']),
    lat: num(loc.lat), lon: num(loc.lon), amount: num(f['audit.money.amount']), currency: str(f['audit.money.currency']),
    level: f['audit.importance.level'], score: num(f['audit.importance.score'])
  })
}

interface Raw {
  tenant?: string, id?: string, time?: string | number, ingested?: string | number, action?: string, outcome?: string, user?: string
  device?: string, ip?: string, country?: string, city?: string, lat?: number, lon?: number, amount?: number, currency?: string, level: unknown, score?: number
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000
const ms = (v: string | number | undefined): number => typeof v === 'number' ? v : v === undefined ? Number.NaN : Date.parse(v)

function build (r: Raw): EntityEvent | undefined {
  const time = ms(r.time)
  if (r.tenant === undefined || r.id === undefined || r.user === undefined || r.action === undefined || Number.isNaN(time)) return undefined
  const ingested = ms(r.ingested)
  const e: EntityEvent = {
    tenant: r.tenant, id: r.id, time, ingested: Number.isNaN(ingested) ? time : ingested, action: r.action,
    outcome: r.outcome ?? 'unknown', user: r.user, level: levelOf(r.level), score: r.score ?? 0
  }
  if (r.device !== undefined) e.device = r.device
  if (r.ip !== undefined) e.ip = canonicalIp(r.ip)
  if (r.country !== undefined) e.country = r.country
  if (r.city !== undefined) e.city = r.city
  // 4 decimals (about 11 m): what city-level geolocation gives, and the same from sources and quantised doc values.
  if (r.lat !== undefined && r.lon !== undefined) { e.lat = round4(r.lat); e.lon = round4(r.lon) }
  if (r.amount !== undefined && r.currency !== undefined) { e.amount = r.amount; e.currency = r.currency }
  return e
}

/**
 * An address as Elasticsearch returns it from an `ip` field, so that keys written from events' sources and
 * keys read from doc values (the rebuild, the scans) are the same: IPv4 as dotted quads (IPv4-mapped IPv6
 * too), IPv6 in lower case with the longest run of two or more zero groups compressed.
 */
export function canonicalIp (ip: string): string {
  if (!ip.includes(':')) return ip
  const groups = expandIpv6(ip.toLowerCase())
  if (groups === undefined) return ip
  if (groups.slice(0, 5).every(g => g === 0) && groups[5] === 0xffff) {
    const [a, b] = [groups[6] as number, groups[7] as number]
    return `${a >> 8}.${a & 255}.${b >> 8}.${b & 255}`
  }
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) { best = i; bestLen = j - i }
    i = j === i ? i + 1 : j
  }
  const hex = groups.map(g => g.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`
}

function expandIpv6 (ip: string): number[] | undefined {
  let text = ip
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail, extra] = text.split('::')
  if (extra !== undefined) return undefined
  const parse = (s: string | undefined): number[] => s === undefined || s === '' ? [] : s.split(':').map(h => parseInt(h, 16))
  const left = parse(head)
  const right = parse(tail)
  const fill = tail === undefined ? 0 : 8 - left.length - right.length
  const groups = [...left, ...Array.from({ length: fill }, () => 0), ...right]
  return groups.length === 8 && groups.every(g => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined
}

/** A short, fixed-size name of an event in an entity's ledger (72 bits of SHA-1 over tenant and id). */
export const eventHash = (tenant: string, id: string): string => createHash('sha1').update(`${tenant}/${id}`).digest('base64url').slice(0, 12)
