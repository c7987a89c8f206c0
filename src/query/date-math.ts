/**
 * Kibana-style time expressions, checked before they reach Elasticsearch (which evaluates them):
 * `now`, `now-7d`, `now-1M/M`, `now+1h/h`, an ISO date or date-time, or an ISO anchor with math (`2026-11-01||+1M/d`).
 */
const UNIT = '[yMwdhHms]'
const MATH = `([+-]\\d{1,6}${UNIT})*(\\/${UNIT})?`
const ISO = '\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})?)?'
const DATE_MATH = new RegExp(`^(now${MATH}|${ISO}(\\|\\|${MATH})?)$`)

export function isDateMath (value: string): boolean {
  if (value.length > 64 || !DATE_MATH.test(value)) return false
  const iso = /^\d{4}-\d{2}-\d{2}/.exec(value)
  return iso === null || !Number.isNaN(Date.parse(iso[0]))
}

/** IANA zone names (Europe/Paris) or fixed offsets (+02:00), as Elasticsearch accepts them. */
export function isTimeZone (value: string): boolean {
  if (/^[+-]\d{2}:\d{2}$/.test(value) || value === 'UTC' || value === 'Z') return true
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/.test(value)
  } catch {
    return false
  }
}
