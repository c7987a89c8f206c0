import t from 'tap'
import { addUnits, floorTo, formatInZone, fromLocal, offsetAt, resolveDateMath } from '../../../src/analytics/aggregate-time.ts'

const at = (iso: string): number => Date.parse(iso)
const NOW = at('2026-11-26T14:45:12.345Z')
const r = (expr: string, zone?: string, roundUp = false): string | undefined => {
  const ms = resolveDateMath(expr, { now: NOW, roundUp, ...(zone === undefined ? {} : { zone }) })
  return ms === undefined ? undefined : new Date(ms).toISOString()
}

t.test('offsets of zones, with daylight saving', async t => {
  t.equal(offsetAt(at('2026-07-01T12:00:00Z'), 'Europe/Paris'), 2 * 3600_000)
  t.equal(offsetAt(at('2026-12-01T12:00:00Z'), 'Europe/Paris'), 3600_000)
  t.equal(offsetAt(at('2026-12-01T12:00:00Z'), 'Asia/Kolkata'), 5.5 * 3600_000)
  t.equal(offsetAt(at('2026-12-01T12:00:00Z'), '-05:00'), -5 * 3600_000)
  t.equal(offsetAt(at('2026-12-01T12:00:00Z'), 'UTC'), 0)
  t.equal(formatInZone(at('2026-11-01T23:00:00Z'), 'Europe/Paris'), '2026-11-02T00:00:00.000+01:00')
  t.equal(formatInZone(at('2026-11-01T23:00:00Z'), 'America/St_Johns'), '2026-11-01T19:30:00.000-03:30')
  t.equal(formatInZone(at('2026-11-01T23:00:00Z'), 'UTC'), '2026-11-01T23:00:00.000Z')
})

t.test('local times in gaps and overlaps resolve as java.time does', async t => {
  // 2026-03-29 02:30 does not exist in Paris: it moves on by the gap, to 03:30 CEST.
  t.equal(new Date(fromLocal({ y: 2026, mo: 3, d: 29, h: 2, mi: 30, s: 0, ms: 0 }, 'Europe/Paris')).toISOString(), '2026-03-29T01:30:00.000Z')
  // 2026-10-25 02:30 happens twice: the earlier offset (CEST) wins unless the other is preferred.
  const overlap = { y: 2026, mo: 10, d: 25, h: 2, mi: 30, s: 0, ms: 0 }
  t.equal(new Date(fromLocal(overlap, 'Europe/Paris')).toISOString(), '2026-10-25T00:30:00.000Z')
  t.equal(new Date(fromLocal(overlap, 'Europe/Paris', 3600_000)).toISOString(), '2026-10-25T01:30:00.000Z')
})

t.test('date math: now, rounding down and up, in a zone', async t => {
  t.equal(r('now'), '2026-11-26T14:45:12.345Z')
  t.equal(r('now', 'Europe/Paris', true), '2026-11-26T14:45:12.345Z', 'now is not rounded without /')
  t.equal(r('now-7d/d'), '2026-11-19T00:00:00.000Z')
  t.equal(r('now-7d/d', undefined, true), '2026-11-19T23:59:59.999Z')
  t.equal(r('now/d', 'Europe/Paris'), '2026-11-25T23:00:00.000Z')
  t.equal(r('now/d', 'Europe/Paris', true), '2026-11-26T22:59:59.999Z')
  t.equal(r('now/d', 'Asia/Kolkata'), '2026-11-25T18:30:00.000Z')
  t.equal(r('now/d', '-05:00'), '2026-11-26T05:00:00.000Z')
  t.equal(r('now-1h/h', 'Asia/Kolkata'), '2026-11-26T13:30:00.000Z')
  t.equal(r('now/w'), '2026-11-23T00:00:00.000Z', 'weeks start on Monday')
  t.equal(r('now/w', undefined, true), '2026-11-29T23:59:59.999Z')
  t.equal(r('now/M', undefined, true), '2026-11-30T23:59:59.999Z')
  t.equal(r('now-1M/M'), '2026-10-01T00:00:00.000Z')
  t.equal(r('now/y', 'Europe/Paris'), '2025-12-31T23:00:00.000Z')
  t.equal(r('now-90m'), '2026-11-26T13:15:12.345Z')
  t.equal(r('now+1d-2h'), '2026-11-27T12:45:12.345Z')
  t.equal(r('now-1s/s'), '2026-11-26T14:45:11.000Z')
  t.equal(r('now/m', undefined, true), '2026-11-26T14:45:59.999Z')
})

t.test('ISO dates: the zone applies to dates without offset; missing parts fill as lte/gte do', async t => {
  t.equal(r('2026-11-01'), '2026-11-01T00:00:00.000Z')
  t.equal(r('2026-11-01', undefined, true), '2026-11-01T23:59:59.999Z', 'lte on a date covers the whole day')
  t.equal(r('2026-11-01', 'Europe/Paris'), '2026-10-31T23:00:00.000Z')
  t.equal(r('2026-11-01', 'Europe/Paris', true), '2026-11-01T22:59:59.999Z')
  t.equal(r('2026-11-01T10:00', undefined, true), '2026-11-01T10:00:59.999Z')
  t.equal(r('2026-11-01T10:00:00', undefined, true), '2026-11-01T10:00:00.999Z')
  t.equal(r('2026-11-01T10:00:00.5', undefined, true), '2026-11-01T10:00:00.500Z')
  t.equal(r('2026-11-01T10:00:00+02:00', 'Asia/Kolkata'), '2026-11-01T08:00:00.000Z', 'an explicit offset wins over the zone')
  t.equal(r('2026-11-01T10:00:00Z', 'Europe/Paris', true), '2026-11-01T10:00:00.999Z', 'as Elasticsearch: lte on a time without milliseconds covers its second')
  t.equal(r('2026-11-01T10:00:00.000Z', undefined, true), '2026-11-01T10:00:00.000Z')
  t.equal(r('2026-11-01T10:00:00.123456789Z'), '2026-11-01T10:00:00.123Z')
})

t.test('anchored math: calendar units on the local date, clock units on the instant', async t => {
  t.equal(r('2026-01-31||+1M'), '2026-02-28T00:00:00.000Z', 'the day of month is clamped')
  t.equal(r('2026-02-10||/M', undefined, true), '2026-02-28T23:59:59.999Z')
  t.equal(r('2026-11-01||+1M/d'), '2026-12-01T00:00:00.000Z')
  t.equal(r('2026-10-25||/d', 'Europe/Paris'), '2026-10-24T22:00:00.000Z')
  t.equal(r('2026-10-25||/d', 'Europe/Paris', true), '2026-10-25T22:59:59.999Z', 'the day daylight saving ends lasts 25 hours')
  t.equal(r('2026-10-24T12:00||+1d', 'Europe/Paris'), '2026-10-25T11:00:00.000Z', 'a day keeps the local time')
  t.equal(r('2026-10-24T12:00||+24h', 'Europe/Paris'), '2026-10-25T10:00:00.000Z', '24 hours do not')
  t.equal(r('2026-11-01T10:00:00Z||', undefined, true), '2026-11-01T10:00:00.000Z', 'an anchor is never rounded up')
})

t.test('unreadable expressions', async t => {
  for (const bad of ['yesterday', 'now-7x', 'now-1d/d/', '2026-11-01||+1q', 'now~1d']) t.equal(r(bad), undefined, bad)
})

t.test('units: floor and add', async t => {
  t.equal(new Date(floorTo(at('2026-11-26T14:45:12Z'), 'q', 'UTC')).toISOString(), '2026-10-01T00:00:00.000Z')
  t.equal(new Date(addUnits(at('2026-10-01T00:00:00Z'), 'q', 1, 'UTC')).toISOString(), '2027-01-01T00:00:00.000Z')
  t.equal(new Date(addUnits(at('2026-03-28T12:00:00Z'), 'd', 1, 'Europe/Paris')).toISOString(), '2026-03-29T11:00:00.000Z')
  t.equal(new Date(floorTo(at('2026-11-26T03:00:00Z'), 'd', 'America/New_York')).toISOString(), '2026-11-25T05:00:00.000Z')
})
