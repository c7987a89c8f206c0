/**
 * Time in a zone without a library: local fields through Intl, and Kibana date math resolved the way
 * Elasticsearch resolves it (java.time semantics), so that windows computed here match the range queries
 * Elasticsearch runs on the same strings.
 */
export interface Local { y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number }

const HOUR = 3_600_000
const DAY = 24 * HOUR
const FIXED = /^([+-])(\d{2}):?(\d{2})$/
const formatters = new Map<string, Intl.DateTimeFormat>()

function fixedOffset (zone: string): number | undefined {
  if (zone === 'UTC' || zone === 'Z') return 0
  const m = FIXED.exec(zone)
  return m === null ? undefined : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * 60_000)
}

/** Local time minus UTC, in milliseconds, at instant `ms`. */
export function offsetAt (ms: number, zone: string): number {
  const fixed = fixedOffset(zone)
  if (fixed !== undefined) return fixed
  let f = formatters.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    formatters.set(zone, f)
  }
  const p: Record<string, number> = {}
  for (const part of f.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value)
  const second = Math.floor(ms / 1000) * 1000
  return Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second) - second
}

export function toLocal (ms: number, zone: string): Local {
  const d = new Date(ms + offsetAt(ms, zone))
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds() }
}

/**
 * The instant of a local time. In an overlap the preferred offset wins if valid, else the earlier instant;
 * in a gap the time moves later by the gap's length (java.time's `ZonedDateTime.ofLocal`).
 */
export function fromLocal (l: Local, zone: string, preferred?: number): number {
  const wall = Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s, l.ms)
  const before = offsetAt(wall - DAY, zone)
  const after = offsetAt(wall + DAY, zone)
  const valid = [...new Set([before, after])].filter(o => offsetAt(wall - o, zone) === o)
  if (valid.length === 1) return wall - (valid[0] as number)
  if (valid.length > 1 && preferred !== undefined && valid.includes(preferred)) return wall - preferred
  return wall - before
}

/** `2026-11-01T00:00:00.000+01:00`, `Z` for UTC, as Elasticsearch prints dates. */
export function formatInZone (ms: number, zone: string): string {
  const off = offsetAt(ms, zone)
  const iso = new Date(ms + off).toISOString().slice(0, 23)
  if (off === 0) return `${iso}Z`
  const a = Math.abs(off) / 60_000
  return `${iso}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

export type Unit = 'y' | 'M' | 'w' | 'd' | 'h' | 'H' | 'm' | 's'

const daysIn = (y: number, mo: number): number => new Date(Date.UTC(y, mo, 0)).getUTCDate()

/** Adds `n` units: calendar units on the local date (day of month clamped, as java.time does), others on the instant. */
export function addUnits (ms: number, unit: Unit | 'q', n: number, zone: string): number {
  switch (unit) {
    case 'h': case 'H': return ms + n * HOUR
    case 'm': return ms + n * 60_000
    case 's': return ms + n * 1000
  }
  const l = toLocal(ms, zone)
  if (unit === 'd' || unit === 'w') {
    const date = new Date(Date.UTC(l.y, l.mo - 1, l.d + n * (unit === 'w' ? 7 : 1)))
    return fromLocal({ ...l, y: date.getUTCFullYear(), mo: date.getUTCMonth() + 1, d: date.getUTCDate() }, zone, offsetAt(ms, zone))
  }
  const months = (l.y * 12 + l.mo - 1) + n * (unit === 'y' ? 12 : unit === 'q' ? 3 : 1)
  const y = Math.floor(months / 12)
  const mo = months - y * 12 + 1
  return fromLocal({ ...l, y, mo, d: Math.min(l.d, daysIn(y, mo)) }, zone, offsetAt(ms, zone))
}

/** The start of the unit holding `ms`, in the zone; weeks start on Monday. */
export function floorTo (ms: number, unit: Unit | 'q', zone: string): number {
  const l = toLocal(ms, zone)
  const z: Local = { ...l, ms: 0 }
  switch (unit) {
    case 's': return fromLocal(z, zone, offsetAt(ms, zone))
    case 'm': return fromLocal({ ...z, s: 0 }, zone, offsetAt(ms, zone))
    case 'h': case 'H': return fromLocal({ ...z, s: 0, mi: 0 }, zone, offsetAt(ms, zone))
  }
  const day: Local = { ...z, h: 0, mi: 0, s: 0 }
  if (unit === 'd') return fromLocal(day, zone, offsetAt(ms, zone))
  if (unit === 'w') {
    const back = (new Date(Date.UTC(l.y, l.mo - 1, l.d)).getUTCDay() + 6) % 7
    const monday = new Date(Date.UTC(l.y, l.mo - 1, l.d - back))
    return fromLocal({ ...day, y: monday.getUTCFullYear(), mo: monday.getUTCMonth() + 1, d: monday.getUTCDate() }, zone, offsetAt(ms, zone))
  }
  if (unit === 'M') return fromLocal({ ...day, d: 1 }, zone, offsetAt(ms, zone))
  if (unit === 'q') return fromLocal({ ...day, d: 1, mo: Math.floor((l.mo - 1) / 3) * 3 + 1 }, zone, offsetAt(ms, zone))
  return fromLocal({ ...day, d: 1, mo: 1 }, zone, offsetAt(ms, zone))
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const STEP = /([+-])(\d{1,6})([yMwdhHms])|\/([yMwdhHms])/g

/** An ISO date or time; missing parts are the smallest values, or the largest when rounding up (`lte`). */
function parseIso (text: string, zone: string, roundUp: boolean): number | undefined {
  const m = ISO.exec(text)
  if (m === null) return undefined
  const num = (i: number, missing: number): number => m[i] === undefined ? missing : Number(m[i])
  const frac = m[7] === undefined ? (roundUp ? 999 : 0) : Number(m[7].padEnd(3, '0').slice(0, 3))
  const l: Local = { y: num(1, 0), mo: num(2, 1), d: num(3, 1), h: num(4, roundUp ? 23 : 0), mi: num(5, roundUp ? 59 : 0), s: num(6, roundUp ? 59 : 0), ms: frac }
  if (m[8] === undefined) return fromLocal(l, zone)
  return Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s, l.ms) - (fixedOffset(m[8]) as number)
}

/**
 * Resolves `now`, `now-7d/d`, an ISO date or time, or `<iso>||<math>` to an instant, with rounding in `zone`.
 * `roundUp` is the rounding of an inclusive upper bound (`lte`): `/d` then means the day's last millisecond.
 * Expressions are assumed checked by `isDateMath`; undefined means unreadable.
 */
export function resolveDateMath (expr: string, opts: { now: number, zone?: string, roundUp: boolean }): number | undefined {
  const zone = opts.zone ?? 'UTC'
  let time: number | undefined
  let math: string
  if (expr.startsWith('now')) {
    time = opts.now
    math = expr.slice(3)
  } else {
    const at = expr.indexOf('||')
    if (at === -1) return parseIso(expr, zone, opts.roundUp)
    time = parseIso(expr.slice(0, at), zone, false)
    math = expr.slice(at + 2)
  }
  if (time === undefined) return undefined
  let consumed = 0
  for (const step of math.matchAll(STEP)) {
    if (step.index !== consumed) return undefined
    consumed += step[0].length
    if (step[4] !== undefined) {
      const unit = step[4] as Unit
      time = floorTo(time, unit, zone)
      if (opts.roundUp) time = addUnits(time, unit, 1, zone) - 1
    } else {
      time = addUnits(time, step[3] as Unit, (step[1] === '-' ? -1 : 1) * Number(step[2]), zone)
    }
  }
  return consumed === math.length ? time : undefined
}
