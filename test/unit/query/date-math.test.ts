import t from 'tap'
import fc from 'fast-check'
import { dateMathProblem, isDateMath, isTimeZone, timeZoneProblem } from '../../../src/query/date-math.ts'
import { checkFilters } from '../../../src/query/filters.ts'
import { paramsToRequest } from '../../../src/query/search-params.ts'
import { buildQuery } from '../../../src/query/build-query.ts'
import type { FieldError } from '../../../src/errors.ts'
import { dateLike, isoLike } from './date-like.ts'
import { ValidationError } from '../../../src/errors.ts'

const NOW = Date.parse('2026-11-26T14:45:12.345Z')

t.test('real calendar dates only, each refusal says why', async t => {
  const refused: Array<[string, RegExp]> = [
    ['2026-02-30', /not a calendar date: February 2026 has 28 days/],
    ['2028-02-30', /February 2028 has 29 days/],
    ['2026-04-31T10:00:00Z', /April 2026 has 30 days/],
    ['2026-13-01', /month 13 does not exist/],
    ['2026-00-10', /month 00 does not exist/],
    ['2026-01-00', /not a calendar date/],
    ['2026-01-01T99:99:99Z', /hour 99/],
    ['2026-01-01T24:00:00Z', /hour 24/],
    ['2026-01-01T23:60:00Z', /minute 60/],
    ['2026-01-01T23:59:60Z', /leap second/],
    ['2026-01-01T23:59:61Z', /second 61/],
    ['2026-01-01T10:00:00+99:99', /offset "\+99:99" is out of range/],
    ['2026-01-01T10:00:00+18:30', /out of range/],
    ['0000-01-01', /year 0000 is out of range: dates must fall within the years 1970–9999/],
    ['1969-12-31', /year 1969/],
    ['now-200000y', /goes past the years 1970–9999/],
    ['now+999999y', /goes past/],
    ['now+999999w', /goes past/],
    ['9999-12-31||+1d', /goes past/],
    ['now-100y+100y', /goes past/],
    ['yesterday', /must be an ISO date or time/],
    ['now-7x', /must be an ISO date/],
    ['2026-11-26 10:00', /must be an ISO date/],
    ['now-1d/d/d', /must be an ISO date/],
    ['x'.repeat(65), /longer than 64/]
  ]
  for (const [value, why] of refused) t.match(dateMathProblem(value, NOW), why, value)
  for (const ok of ['now', 'now-7d/d', 'now-56y', '2028-02-29', '1970-01-01', '9999-12-31T23:59:59.999Z', '2026-01-01T10:00:00-18:00', '2026-01-01T10:00:00+0530', '2026-11-01||+1M/d', '2026-01-31||+1M', '2026-11-01||']) {
    t.equal(dateMathProblem(ok, NOW), undefined, ok)
  }
  t.notOk(isDateMath('2026-02-30'))
})

t.test('zones: fixed offsets in range, IANA names as IANA writes them', async t => {
  for (const ok of ['Europe/Paris', 'UTC', 'Z', '+02:00', '-18:00', '+18:00', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'US/Pacific', 'Etc/GMT+5', 'America/Port-au-Prince', 'GMT']) {
    t.equal(timeZoneProblem(ok), undefined, ok)
  }
  const refused: Array<[string, RegExp]> = [
    ['+99:99', /out of range: offsets go from -18:00 to \+18:00/],
    ['+18:01', /out of range/],
    ['+2', /must look like \+02:00/],
    ['europe/paris', /case-sensitive: write it as IANA does \("Europe\/Paris"\)/],
    ['EUROPE/PARIS', /case-sensitive/],
    ['utc', /case-sensitive/],
    ['us/pacific', /case-sensitive/],
    ['Mars/Olympus', /unknown time zone "Mars\/Olympus"/],
    ['../../etc', /unknown time zone/],
    ['Europe/Paris; x', /unknown time zone/]
  ]
  for (const [value, why] of refused) t.match(timeZoneProblem(value), why, value)
  t.notOk(isTimeZone('europe/paris'))
})

t.test('filters name the field and give the reason', async t => {
  const errors = checkFilters({ period: { from: '2026-02-30', to: 'now+999999y', timeZone: 'europe/paris' } })
  t.same(errors.map(e => e.path), ['/filters/period/from', '/filters/period/to', '/filters/period/timeZone'])
  t.match(errors[0]?.message, /February 2026 has 28 days/)
  const q = paramsToRequest({ from: '2026-01-01T23:59:60Z', tz: '+99:99' })
  const found: FieldError[] = []
  buildQuery(q, { tenant: null, masked: false }, found)
  t.match(found, [{ path: '/filters/period/from', message: /leap second/ }, { path: '/filters/period/timeZone', message: /out of range/ }])
})

t.test('no text makes the validators throw; refusals are ValidationErrors', async () => {
  fc.assert(fc.property(dateLike, fc.string({ maxLength: 70 }), (value, zone) => {
    const problem = dateMathProblem(value, NOW)
    const zoneProblem = timeZoneProblem(zone)
    const errors = checkFilters({ period: { from: value, to: value, timeZone: zone } }, '/filters', NOW)
    return (problem === undefined || problem.length > 0) && (zoneProblem === undefined || zoneProblem.length > 0) &&
      errors.length === (problem === undefined ? 0 : 2) + (zoneProblem === undefined ? 0 : 1)
  }), { numRuns: 2000 })
  fc.assert(fc.property(dateLike, value => {
    try {
      const errors: FieldError[] = []
      buildQuery({ filters: { period: { from: value } }, query: `@timestamp >= ${JSON.stringify(value)}` }, { tenant: null, masked: false }, errors)
      if (errors.length > 0) throw new ValidationError(errors)
      return true
    } catch (err) {
      return err instanceof ValidationError
    }
  }), { numRuns: 1000 })
})

t.test('an accepted ISO date is the date written: nothing rolls over', async () => {
  fc.assert(fc.property(isoLike, value => {
    if (dateMathProblem(value, NOW) !== undefined) return true
    const [y, mo, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number]
    const back = new Date(Date.UTC(y, mo - 1, d))
    return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && y >= 1970 && y <= 9999
  }), { numRuns: 3000 })
})
