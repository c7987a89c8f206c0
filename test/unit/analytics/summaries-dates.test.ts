import t from 'tap'
import fc from 'fast-check'
import type { FieldError } from '../../../src/errors.ts'
import { periodWindows } from '../../../src/analytics/summaries-period.ts'
import { readPeriod } from '../../../src/analytics/summaries-body.ts'
import { dateLike } from '../query/date-like.ts'

const NOW = Date.parse('2026-11-26T14:45:12.345Z')

t.test('impossible dates are refused with the field, never moved to another day', async t => {
  const cases: Array<[object, string, RegExp]> = [
    [{ from: '2026-02-30', to: 'now' }, '/filters/period/from', /February 2026 has 28 days/],
    [{ from: '0000-01-01', to: 'now' }, '/filters/period/from', /year 0000 is out of range/],
    [{ from: 'now-200000y', to: 'now' }, '/filters/period/from', /goes past the years 1970–9999/],
    [{ from: 'now-1d', to: 'now+999999y' }, '/filters/period/to', /goes past/],
    [{ from: '2026-01-01T99:99:99Z', to: 'now' }, '/filters/period/from', /hour 99/],
    [{ from: '2026-01-01T23:59:60Z', to: 'now' }, '/filters/period/from', /leap second/],
    [{ from: 'now-1d', to: 'now', timeZone: 'europe/paris' }, '/filters/period/timeZone', /case-sensitive/],
    [{ from: 'now-1d', to: 'now', timeZone: '+99:99' }, '/filters/period/timeZone', /out of range/]
  ]
  for (const [period, path, why] of cases) {
    const errors: FieldError[] = []
    t.equal(periodWindows(period, NOW, errors), undefined, JSON.stringify(period))
    t.match(errors, [{ path, message: why }])
  }
})

t.test('any period either gives printable windows or errors: nothing throws', async () => {
  fc.assert(fc.property(dateLike, dateLike, fc.constantFrom(undefined, 'Europe/Paris', 'Pacific/Kiritimati', '-18:00', 'utc'), (from, to, timeZone) => {
    const errors: FieldError[] = []
    const w = periodWindows({ from, to, timeZone }, NOW, errors)
    if (w === undefined) return errors.length > 0
    const empty = { doc_count: 0 }
    const read = readPeriod(empty, empty, w)
    return errors.length === 0 && [read.period.from, read.period.to, read.previous.from, read.previous.to].every(s => typeof s === 'string')
  }), { numRuns: 3000 })
})
