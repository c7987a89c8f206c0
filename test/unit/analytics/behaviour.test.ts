import t from 'tap'
import { durationOf, parseDuration } from '../../../src/analytics/behaviour/request.ts'
import { histogram, mean, median, Numbers, percentile } from '../../../src/analytics/behaviour/stats.ts'
import { FunnelCounter } from '../../../src/analytics/behaviour/funnel.ts'
import { NextActionCounter } from '../../../src/analytics/behaviour/next-actions.ts'
import { SessionStats } from '../../../src/analytics/behaviour/sessions.ts'
import { CohortTable, isoWeek } from '../../../src/analytics/behaviour/cohorts.ts'
import { chunksOf } from '../../../src/store/events/events-scan.ts'
import type { FieldError } from '../../../src/errors.ts'
import { BehaviourService } from '../../../src/analytics/behaviour/behaviour-service.ts'
import { SignalsService } from '../../../src/analytics/signals/signals-service.ts'
import { EntitySource } from '../../../src/analytics/entities/source.ts'
import type { EventsScanner } from '../../../src/store/events/events-scan.ts'
import type { EntitiesStore } from '../../../src/store/events/entities-store.ts'

const M = 60_000
const H = 60 * M
const D = 24 * H

t.test('durations', async t => {
  t.equal(parseDuration('10m'), 10 * M)
  t.equal(parseDuration('24h'), D)
  t.equal(parseDuration('7d'), 7 * D)
  t.equal(parseDuration('2w'), 14 * D)
  t.equal(parseDuration('45s'), 45_000)
  for (const bad of ['0m', '10', 'm', '1.5h', '10M', '-1d', '1d ', '']) t.equal(parseDuration(bad), undefined, bad)
  const errors: FieldError[] = []
  durationOf('2d', '/window', D, '1d', errors)
  durationOf('soon', '/other', D, '1d', errors)
  t.same(errors, [{ index: 0, path: '/window', message: 'must be at most 1d' }, { index: 0, path: '/other', message: 'must be a duration such as 10m, 24h or 7d' }])
})

t.test('median, nearest-rank percentiles, mean, histogram', async t => {
  t.equal(median([]), null)
  t.equal(median([5]), 5)
  t.equal(median([1, 2, 3, 10]), 2.5)
  t.equal(median([1, 2, 3, 4, 100]), 3)
  const xs = Array.from({ length: 100 }, (_, i) => i + 1)
  t.equal(percentile(xs, 50), 50)
  t.equal(percentile(xs, 90), 90)
  t.equal(percentile(xs, 99), 99)
  t.equal(percentile([7], 99), 7)
  t.equal(percentile([1, 2, 3], 50), 2)
  t.equal(percentile([1, 2, 3, 4], 50), 2, 'nearest rank: ceil(0.5 × 4) = 2nd value')
  t.equal(percentile([], 50), null)
  t.equal(mean([1, 2, 6]), 3)
  t.equal(mean([]), null)
  t.same(histogram([0, 0, 5, 10, 99, 100, 1000], [0, 10, 100]), [
    { from: 0, to: 10, count: 3 }, { from: 10, to: 100, count: 2 }, { from: 100, to: null, count: 2 }
  ], 'lower bounds inclusive, upper exclusive, last open')
  t.same(histogram([], [1, 2]), [{ from: 1, to: 2, count: 0 }, { from: 2, to: null, count: 0 }])

  const n = new Numbers()
  for (let i = 5000; i > 0; i--) n.push(i)
  t.equal(n.length, 5000, 'grows past its first block')
  const sorted = n.sorted()
  t.equal(sorted[0], 1)
  t.equal(sorted[4999], 5000)
})

t.test('funnel: ordered steps within a window from the first step', async t => {
  const f = new FunnelCounter([['registration'], ['deposit'], ['bet_placed', 'game_launched']], 7 * D)
  // u1: full path; u2: deposit before registration does not count; u3: bet after the window; u4: never registers;
  // u5: two registrations, only the first starts; u6: reaches step 3 through the second action of the step.
  const events: Array<[string, number, string]> = [
    ['u1', 0, 'registration'], ['u1', H, 'deposit'], ['u1', 3 * H, 'bet_placed'],
    ['u2', 0, 'deposit'], ['u2', H, 'registration'], ['u2', 2 * H, 'login'],
    ['u3', 0, 'registration'], ['u3', 2 * H, 'deposit'], ['u3', 7 * D + 1, 'bet_placed'],
    ['u4', 0, 'deposit'], ['u4', H, 'bet_placed'],
    ['u5', 0, 'registration'], ['u5', 8 * D, 'registration'], ['u5', 8 * D + H, 'deposit'],
    ['u6', 0, 'registration'], ['u6', 4 * H, 'deposit'], ['u6', 7 * D, 'game_launched']
  ]
  for (const [u, time, a] of events) f.push(u, time, a)
  const r = f.result()
  t.same(r.map(s => s.users), [5, 3, 2])
  t.same(r.map(s => s.conversionFromPrevious), [null, 3 / 5, 2 / 3])
  t.same(r.map(s => s.conversionFromFirst), [1, 3 / 5, 2 / 5])
  t.equal(r[0]?.medianMsFromPrevious, null)
  t.equal(r[1]?.medianMsFromPrevious, 2 * H, 'median of 1h, 2h, 4h')
  t.equal(r[2]?.medianMsFromPrevious, (2 * H + (7 * D - 4 * H)) / 2, 'even count: mean of the two middle gaps; the window end is inclusive')
  t.same(r[2]?.actions, ['bet_placed', 'game_launched'])
})

t.test('funnel: one event completes one step; empty funnel', async t => {
  const f = new FunnelCounter([['deposit'], ['deposit']], D)
  f.push('u1', 0, 'deposit')
  f.push('u2', 0, 'deposit')
  f.push('u2', 10, 'deposit')
  t.same(f.result().map(s => s.users), [2, 1])
  const empty = new FunnelCounter([['a'], ['b']], D).result()
  t.same(empty.map(s => [s.users, s.conversionFromPrevious, s.conversionFromFirst, s.medianMsFromPrevious]), [[0, null, null, null], [0, null, null, null]])
})

t.test('next actions: same session or not', async t => {
  // Scan order: user, session (missing last), time.
  const rows: Array<[string, string | null, string]> = [
    ['u1', 's1', 'deposit'], ['u1', 's1', 'bet_placed'], ['u1', 's1', 'deposit'],
    ['u1', 's2', 'login'], ['u1', 's2', 'deposit'], ['u1', 's2', 'deposit'], ['u1', 's2', 'logout'],
    ['u1', null, 'deposit'], ['u1', null, 'bet_placed'],
    ['u2', 's3', 'bet_placed'], ['u2', 's3', 'deposit']
  ]
  const same = new NextActionCounter('deposit', true)
  for (const [u, s, a] of rows) same.push(u, s, a)
  const r = same.result(10)
  t.equal(r.occurrences, 6)
  t.equal(r.followed, 3, 'bet_placed in s1, deposit and logout in s2; none across sessions, users, or without a session')
  t.equal(r.ended, 3)
  t.equal(r.endedShare, 0.5)
  t.same(r.next, [{ action: 'bet_placed', count: 1, share: 1 / 6 }, { action: 'deposit', count: 1, share: 1 / 6 }, { action: 'logout', count: 1, share: 1 / 6 }], 'ties by name')

  const any = new NextActionCounter('deposit', false)
  for (const [u, , a] of rows) any.push(u, null, a)
  const r2 = any.result(1)
  t.equal(r2.followed, 5, 'across sessions too, but never across users')
  t.same(r2.next, [{ action: 'bet_placed', count: 2, share: 2 / 6 }])
  t.equal(r2.otherActions, 3)
  t.equal(r2.otherCount, 3)
})

t.test('sessions: folded from events sorted by user, session, time', async t => {
  const s = new SessionStats()
  const rows: Array<[string, string, number]> = [
    ['u1', 'a', 0], ['u1', 'a', 30_000], ['u1', 'a', 90_000],
    ['u1', 'b', 5_000],
    ['u2', 'a', 0], ['u2', 'a', 2 * H]
  ]
  for (const [u, id, time] of rows) s.push(u, id, time)
  s.finish()
  const r = s.result()
  t.equal(r.sessions, 3, 'the same session id under two users is two sessions')
  t.same([r.durationMs.p50, r.durationMs.max, r.durationMs.mean], [90_000, 2 * H, (90_000 + 2 * H) / 3])
  t.same(r.durationMs.histogram.filter(b => b.count > 0), [{ from: 0, to: 10_000, count: 1 }, { from: 60_000, to: 300_000, count: 1 }, { from: 2 * H, to: 4 * H, count: 1 }])
  t.same([r.actions.p50, r.actions.p90, r.actions.mean], [2, 3, 2])
  t.same(r.actions.histogram.slice(0, 3), [{ from: 1, to: 2, count: 1 }, { from: 2, to: 3, count: 1 }, { from: 3, to: 6, count: 1 }])
  const none = new SessionStats()
  none.finish()
  t.same([none.result().sessions, none.result().durationMs.p50], [0, null])
})

t.test('ISO weeks and the cohort table', async t => {
  t.equal(isoWeek('2026-11-23'), '2026-W48')
  t.equal(isoWeek('2026-12-28'), '2026-W53', '2026 has 53 weeks')
  t.equal(isoWeek('2027-01-04'), '2027-W01')
  t.equal(isoWeek('2024-12-30'), '2025-W01', 'a week belongs to the year of its Thursday')
  t.equal(isoWeek('2021-01-04'), '2021-W01')

  const c = new CohortTable(3)
  const rows: Array<[string, string]> = [
    ['a', '2026-11-02'], ['a', '2026-11-09'], ['a', '2026-11-23'],
    ['b', '2026-11-02'], ['b', '2026-11-30'],
    ['c', '2026-11-09'], ['c', '2026-11-16'],
    ['d', '2026-11-30']
  ]
  for (const [u, w] of rows) c.push(u, w)
  t.same(c.result(), [
    { week: '2026-W45', start: '2026-11-02', users: 2, active: [2, 1, 0, 1], retention: [1, 0.5, 0, 0.5] },
    { week: '2026-W46', start: '2026-11-09', users: 1, active: [1, 1, 0, 0], retention: [1, 1, 0, 0] },
    { week: '2026-W49', start: '2026-11-30', users: 1, active: [1, null, null, null], retention: [1, null, null, null] }
  ], 'b\'s week 4 is beyond the 3 followed; weeks after the last week of the data are null')
  t.same(new CohortTable(2).result(), [])
})

t.test('scan ranges hold about a page of events', async t => {
  const keys = [{ key: 'a', count: 3 }, { key: 'b', count: 2 }, { key: 'c', count: 9 }, { key: 'd', count: 1 }, { key: 'e', count: 4 }, { key: 'f', count: 1 }]
  t.same([...chunksOf(keys, 5)], [{ first: 'a', last: 'b' }, { first: 'c', last: 'c' }, { first: 'd', last: 'e' }, { first: 'f', last: 'f' }])
  t.same([...chunksOf([], 5)], [])
})

t.test('asked for the entity store: a 400 when it is off, or with a scan limit, never a quiet scan', async t => {
  const scanner = { scan: async () => { throw new Error('scanned') } } as unknown as EventsScanner
  const scope = { keyId: 'k', tenant: 'brand-a', masked: false }
  const off = new BehaviourService(scanner, new EntitySource(undefined))
  await t.rejects(off.funnel({ steps: [['login'], ['deposit']], source: 'entities' }, scope), { errors: [{ path: '/source', message: /entity store is off/ }] })
  await t.rejects(off.cohorts({ source: 'entities' }, scope), { errors: [{ path: '/source', message: /entity store is off/ }] })
  await t.rejects(new SignalsService(scanner, new EntitySource(undefined)).sharedKeys({ source: 'entities' }, scope), { errors: [{ path: '/source' }] })
  const on = new BehaviourService(scanner, new EntitySource({} as EntitiesStore))
  await t.rejects(on.funnel({ steps: [['login'], ['deposit']], source: 'entities', scanLimit: 10 }, scope), { errors: [{ path: '/scanLimit', message: /leave scanLimit out/ }] })
})
