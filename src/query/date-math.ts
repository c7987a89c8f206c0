/**
 * Kibana-style time expressions and zones, checked before anything reaches Elasticsearch (which evaluates them):
 * `now`, `now-7d`, `now-1M/M`, `now+1h/h`, an ISO date or date-time, or an ISO anchor with math (`2026-11-01||+1M/d`).
 *
 * Dates must be real calendar dates (no 30 February, no hour 24, no leap second) in the years 1970–9999, and
 * date math must stay within those years at every step (counted in UTC: a zone moves a date by its offset
 * only). Within that range every date can be resolved here and by Elasticsearch alike, and printed.
 */
export const MIN_YEAR = 1970
export const MAX_YEAR = 9999

const UNITS = '[yMwdhHms]'
const MATH = new RegExp(`^([+-]\\d{1,6}${UNITS})*(\\/${UNITS})?$`)
const STEP = new RegExp(`([+-])(\\d{1,6})(${UNITS})`, 'g')
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/
const MAX_LENGTH = 64

const HOUR = 3_600_000
const DAY = 24 * HOUR
const UNIT_MS: Record<string, number> = { w: 7 * DAY, d: DAY, h: HOUR, H: HOUR, m: 60_000, s: 1000 }
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

const EXPECTED = 'must be an ISO date or time (2026-11-26, 2026-11-26T08:30:00Z) or date math such as now-7d/d'
const RANGE = `dates must fall within the years ${MIN_YEAR}–${MAX_YEAR}`

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysIn = (y: number, month: number): number => month === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/** Milliseconds of a UTC date; `Date.UTC` would read years 0–99 as 1900–1999. */
function utc (y: number, month: number, d: number, msOfDay = 0): number {
  const date = new Date(0)
  date.setUTCFullYear(y, month - 1, d)
  return date.getTime() + msOfDay
}

/** Why a fixed offset (`+02:00`, `-0530`) is wrong, or undefined; Elasticsearch takes -18:00 to +18:00. */
function offsetProblem (text: string): string | undefined {
  const m = OFFSET.exec(text)
  if (m === null) return `offset "${text}" must look like +02:00`
  const h = Number(m[2])
  const min = Number(m[3])
  if (min > 59 || h > 18 || (h === 18 && min > 0)) return `offset "${text}" is out of range: offsets go from -18:00 to +18:00`
  return undefined
}

function offsetMs (text: string): number {
  const m = OFFSET.exec(text) as RegExpExecArray
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * HOUR + Number(m[3]) * 60_000)
}

/** An ISO date or date-time as an instant (zone-less ones read as UTC), or why it is not a real date. */
function isoInstant (text: string): number | string {
  const m = ISO.exec(text)
  if (m === null) return EXPECTED
  const [y, month, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [h, min, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (y < MIN_YEAR || y > MAX_YEAR) return `year ${m[1]} is out of range: ${RANGE}`
  if (month < 1 || month > 12) return `month ${m[2]} does not exist`
  if (d < 1 || d > daysIn(y, month)) return `${m[1]}-${m[2]}-${m[3]} is not a calendar date: ${MONTHS[month - 1]} ${y} has ${daysIn(y, month)} days`
  if (h > 23) return `hour ${m[4]} is out of range 00–23`
  if (min > 59) return `minute ${m[5]} is out of range 00–59`
  if (s === 60) return 'second 60 (a leap second) is not accepted: use 59'
  if (s > 59) return `second ${m[6]} is out of range 00–59`
  const zone = m[7]
  if (zone !== undefined && zone !== 'Z') {
    const problem = offsetProblem(zone)
    if (problem !== undefined) return problem
  }
  return utc(y, month, d, (h * 3600 + min * 60 + s) * 1000) - (zone === undefined || zone === 'Z' ? 0 : offsetMs(zone))
}

/** Adds `n` units in UTC (calendar units clamp the day of month, as Elasticsearch does); NaN past the range. */
function add (ms: number, unit: string, n: number): number {
  if (unit !== 'y' && unit !== 'M') return ms + n * (UNIT_MS[unit] as number)
  const date = new Date(ms)
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth() + n * (unit === 'y' ? 12 : 1)
  const y = Math.floor(months / 12)
  if (y < MIN_YEAR - 1 || y > MAX_YEAR + 1) return Number.NaN
  const month = months - y * 12 + 1
  return utc(y, month, Math.min(date.getUTCDate(), daysIn(y, month)), ms - utc(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()))
}

/**
 * Why a date or date math expression cannot be used, in words, or undefined when it can. `now` is the instant
 * `now` stands for, so that the range is checked where the expression will be resolved.
 */
export function dateMathProblem (value: string, now = Date.now()): string | undefined {
  if (value.length > MAX_LENGTH) return `is longer than ${MAX_LENGTH} characters`
  let time: number
  let math: string
  if (value.startsWith('now')) {
    time = now
    math = value.slice(3)
  } else {
    const at = value.indexOf('||')
    const anchor = isoInstant(at === -1 ? value : value.slice(0, at))
    if (typeof anchor === 'string') return anchor
    time = anchor
    math = at === -1 ? '' : value.slice(at + 2)
  }
  if (!MATH.test(math)) return EXPECTED
  for (const [, sign, n, unit] of math.matchAll(STEP)) {
    time = add(time, unit as string, (sign === '-' ? -1 : 1) * Number(n))
    const year = Number.isNaN(time) ? undefined : new Date(time).getUTCFullYear()
    if (year === undefined || year < MIN_YEAR || year > MAX_YEAR) return `${value} goes past the years ${MIN_YEAR}–${MAX_YEAR}: ${RANGE}`
  }
  return undefined
}

/**
 * A date math expression with `now` written as the instant it stands for (`now-24h/d` at 17:40 becomes
 * `2026-12-04T17:40:00.000Z||-24h/d`): Elasticsearch resolves `now` at each request, so the pages of one search
 * would each cut the period at another instant. Rounding still follows the range's time zone. Other values as they are.
 */
export function anchored (value: string, now: number): string {
  if (!value.startsWith('now')) return value
  const math = value.slice(3)
  const iso = new Date(now).toISOString()
  return math === '' ? iso : `${iso}||${math}`
}

export function isDateMath (value: string): boolean {
  return dateMathProblem(value) === undefined
}

/**
 * Why a zone cannot be used, or undefined: a fixed offset (+02:00, -18:00 to +18:00), `UTC`, `Z`, or an IANA
 * name written as IANA writes it (Elasticsearch reads names case-sensitively: `europe/paris` is unknown to it).
 */
export function timeZoneProblem (value: string): string | undefined {
  if (value === 'UTC' || value === 'Z') return undefined
  if (/^[+-]/.test(value)) return /^[+-]\d{2}:\d{2}$/.test(value) ? offsetProblem(value) : `offset "${value}" must look like +02:00`
  const unknown = `unknown time zone "${value}": use an IANA name such as Europe/Paris, or an offset such as +02:00`
  if (value.length > MAX_LENGTH || !ZONE_NAME.test(value)) return unknown
  let canonical: string
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone
  } catch {
    return unknown
  }
  // Intl ignores case; IANA names and their aliases start each part with a capital.
  const caseOnly = canonical !== value && canonical.toLowerCase() === value.toLowerCase()
  if (caseOnly || value.split('/').some(part => !/^[A-Z]/.test(part))) {
    return `zone names are case-sensitive: write it as IANA does${caseOnly ? ` ("${canonical}")` : ', such as Europe/Paris'}`
  }
  return undefined
}

/** IANA zone names (Europe/Paris) or fixed offsets (+02:00), as Elasticsearch accepts them. */
export function isTimeZone (value: string): boolean {
  return timeZoneProblem(value) === undefined
}
