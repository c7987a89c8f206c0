import type { FieldError } from '../errors.ts'
import { dateMathProblem, timeZoneProblem } from '../query/date-math.ts'
import { resolveDateMath } from './aggregate-time.ts'

/** Inclusive bounds in epoch milliseconds. */
export interface Window { from: number, to: number }

/**
 * The period and the one before it. Date math is resolved here, once, with Elasticsearch's rules (`from`
 * rounds down, `to` rounds up to the unit's last millisecond), so that both windows are absolute and
 * contiguous: the previous window has the same length in milliseconds and ends 1 ms before the period starts.
 */
export function periodWindows (
  period: { from?: string | undefined, to?: string | undefined, timeZone?: string | undefined } | undefined,
  now: number, errors: FieldError[], path = '/filters/period'
): { current: Window, previous: Window } | undefined {
  const fail = (p: string, message: string): void => { errors.push({ index: 0, path: `${path}${p}`, message }) }
  const zone = period?.timeZone
  const zoneProblem = zone === undefined ? undefined : timeZoneProblem(zone)
  if (zoneProblem !== undefined) {
    fail('/timeZone', zoneProblem)
    return undefined
  }
  const resolve = (key: 'from' | 'to'): number | undefined => {
    const v = period?.[key]
    if (v === undefined) { fail(`/${key}`, 'is required: a summary compares a bounded period with the one before'); return undefined }
    const problem = dateMathProblem(v, now)
    if (problem !== undefined) { fail(`/${key}`, problem); return undefined }
    const ms = resolveDateMath(v, { now, ...(zone === undefined ? {} : { zone }), roundUp: key === 'to' })
    if (ms === undefined) fail(`/${key}`, 'must be an ISO date or time, or date math such as now-7d/d')
    return ms
  }
  const from = resolve('from')
  const to = resolve('to')
  if (from === undefined || to === undefined) return undefined
  if (from > to) { fail('', `from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})`); return undefined }
  const length = to - from + 1
  return { current: { from, to }, previous: { from: from - length, to: from - 1 } }
}
