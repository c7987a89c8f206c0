import { FormatRegistry } from '@sinclair/typebox'
import { isIP } from 'node:net'

// RFC 3339 with a mandatory offset: an audit time without a zone is ambiguous.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/
// The form Fastify's own validator accepts for `uuid` (ajv-formats), so a path id is judged alike on every route.
const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i

/**
 * A real instant: Date.parse rolls `2026-02-30` over to March 2 and takes `24:00`, which would store another
 * time than the one sent. Leap seconds (`:60`) are refused too, as the date math does.
 */
/** A duration: a number and a unit s, m, h, d or w (10m, 24h, 7d). */
export const DURATION_PATTERN = '^[1-9][0-9]{0,6}(s|m|h|d|w)$'

export function isDateTime (v: string): boolean {
  const m = DATE_TIME.exec(v)
  if (m === null) return false
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59)
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59 && offsetOk && !Number.isNaN(Date.parse(v))
}

/** Registers the string formats the schemas use; idempotent. */
export function registerFormats (): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime)
  if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', v => EMAIL.test(v))
  if (!FormatRegistry.Has('ip')) FormatRegistry.Set('ip', v => isIP(v) !== 0)
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', v => UUID.test(v))
}
