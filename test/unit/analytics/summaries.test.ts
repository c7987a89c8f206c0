import t from 'tap'
import type { FieldError } from '../../../src/errors.ts'
import { periodWindows } from '../../../src/analytics/summaries-period.ts'
import { changeRow, readPeriod, readProfile, windowFilter } from '../../../src/analytics/summaries-body.ts'

const NOW = Date.parse('2026-11-26T14:45:12.345Z')
const iso = (ms: number): string => new Date(ms).toISOString()

t.test('the previous window has the same length and ends just before the period', async t => {
  const errors: FieldError[] = []
  const w = periodWindows({ from: '2026-11-10T00:00:00Z', to: '2026-11-19T23:59:59.999Z' }, NOW, errors)
  t.same(errors, [])
  t.same([iso(w?.current.from as number), iso(w?.current.to as number)], ['2026-11-10T00:00:00.000Z', '2026-11-19T23:59:59.999Z'])
  t.same([iso(w?.previous.from as number), iso(w?.previous.to as number)], ['2026-10-31T00:00:00.000Z', '2026-11-09T23:59:59.999Z'])

  const days = periodWindows({ from: 'now-7d/d', to: 'now/d', timeZone: 'Europe/Paris' }, NOW, errors)
  t.same([iso(days?.current.from as number), iso(days?.current.to as number)], ['2026-11-18T23:00:00.000Z', '2026-11-26T22:59:59.999Z'], 'eight local days')
  t.same([iso(days?.previous.from as number), iso(days?.previous.to as number)], ['2026-11-10T23:00:00.000Z', '2026-11-18T22:59:59.999Z'])

  const plain = periodWindows({ from: '2026-11-01', to: '2026-11-01' }, NOW, errors)
  t.same([iso(plain?.current.from as number), iso(plain?.current.to as number)], ['2026-11-01T00:00:00.000Z', '2026-11-01T23:59:59.999Z'], 'a date as both bounds is that whole day')
  t.same(errors, [])
})

t.test('bad periods are refused with the path', async t => {
  const cases: Array<[object | undefined, string]> = [
    [undefined, '/filters/period/from'],
    [{ from: 'now-7d' }, '/filters/period/to'],
    [{ from: 'yesterday', to: 'now' }, '/filters/period/from'],
    [{ from: 'now', to: 'now-1d' }, '/filters/period'],
    [{ from: 'now-1d', to: 'now', timeZone: 'Nowhere/Land' }, '/filters/period/timeZone']
  ]
  for (const [period, path] of cases) {
    const errors: FieldError[] = []
    t.equal(periodWindows(period, NOW, errors), undefined)
    t.equal(errors[0]?.path, path, `${JSON.stringify(period)}: ${errors[0]?.message}`)
  }
  const errors: FieldError[] = []
  periodWindows({ from: 'x' }, NOW, errors, '/querystring')
  t.same(errors.map(e => e.path), ['/querystring/from', '/querystring/to'])
})

t.test('change rows and the period answer', async t => {
  t.same(changeRow('a', 15, 10), { key: 'a', current: 15, previous: 10, change: 5, changePct: 50 })
  t.same(changeRow('a', 1, 3), { key: 'a', current: 1, previous: 3, change: -2, changePct: -66.7 })
  t.same(changeRow('a', 4, 0), { key: 'a', current: 4, previous: 0, change: 4, changePct: null })
  t.same(windowFilter({ from: 1, to: 2 }), { range: { '@timestamp': { gte: 1, lte: 2, format: 'epoch_millis' } } })
  const terms = (entries: Array<[string, number]>, other = 0) => ({ buckets: entries.map(([key, doc_count]) => ({ key, doc_count })), sum_other_doc_count: other })
  const cur = { doc_count: 6, byCategory: terms([['money', 4], ['ui', 2]]), byAction: terms([['deposit', 4], ['page_viewed', 2]]), byOutcome: terms([['success', 6]]), byImportance: terms([['low', 6]]) }
  const prev = { doc_count: 3, byCategory: terms([['money', 2], ['support', 1]]), byAction: terms([['deposit', 2], ['ticket_created', 1]], 5), byOutcome: terms([['success', 3]]), byImportance: terms([['low', 3]]) }
  const p = readPeriod(cur, prev, { current: { from: Date.parse('2026-11-02T00:00:00Z'), to: Date.parse('2026-11-02T23:59:59.999Z') }, previous: { from: Date.parse('2026-11-01T00:00:00Z'), to: Date.parse('2026-11-01T23:59:59.999Z') } })
  t.same(p.period, { from: '2026-11-02T00:00:00.000Z', to: '2026-11-02T23:59:59.999Z' })
  t.same(p.totals, { key: 'all', current: 6, previous: 3, change: 3, changePct: 100 })
  t.same(p.byCategory.map(r => [r.key, r.current, r.previous]), [['money', 4, 2], ['ui', 2, 0], ['support', 0, 1]], 'keys of both windows, busiest first')
  t.equal(p.complete, false, 'actions beyond the top of the previous window')
  const odd = readPeriod({ ...cur, byAction: terms([['constructor', 1]]) }, { ...prev, byAction: terms([['toString', 2]]) }, { current: { from: 0, to: 1 }, previous: { from: 0, to: 1 } })
  t.same(odd.byAction.map(r => [r.key, r.current, r.previous, r.change]), [['constructor', 1, 0, 1], ['toString', 0, 2, -2]], 'actions named like Object\'s members count as theirs')
})

t.test('profile: distinct values, money in and out per currency, masking', async t => {
  const a = {
    ips: { buckets: [{ key: '81.2.69.142', doc_count: 3 }, { key: '2a01:e0a:1::1', doc_count: 1 }] }, ipsCount: { value: 2 },
    countries: { buckets: [{ key: 'GB', doc_count: 3 }] }, countriesCount: { value: 1 },
    deviceIds: { buckets: [] }, deviceIdsCount: { value: 0 },
    deviceTypes: { buckets: [{ key: 'mobile', doc_count: 4 }] },
    money: { buckets: [{ key: 'EUR', doc_count: 4, direction: { buckets: [{ key: 'in', doc_count: 2, sum: { value: 300 } }, { key: 'out', doc_count: 1, sum: { value: 120.5 } }, { key: 'none', doc_count: 1, sum: { value: 7 } }] } }] }
  }
  t.same(readProfile(a, false), {
    ips: { count: 2, values: ['81.2.69.142', '2a01:e0a:1::1'] },
    countries: { count: 1, values: ['GB'] },
    devices: { types: { mobile: 4 }, ids: { count: 0, values: [] } },
    money: [{ currency: 'EUR', in: 300, out: 120.5, net: 179.5, other: 7, events: 4 }]
  })
  t.same(readProfile(a, true).ips.values, ['81.2.69.x', '2a01:e0a:1::x'])
  // Two addresses that look the same masked are listed and counted once.
  const twins = { ...a, ips: { buckets: [{ key: '81.2.69.142', doc_count: 3 }, { key: '81.2.69.7', doc_count: 1 }] }, ipsCount: { value: 2 } }
  t.same(readProfile(twins, true).ips, { count: 1, values: ['81.2.69.x'] })
  t.same(readProfile(twins, false).ips, { count: 2, values: ['81.2.69.142', '81.2.69.7'] })
  // More addresses than listed: the clear count (150 in one /24) would tell masked twins apart.
  const many = { ...a, ips: { buckets: [{ key: '81.2.69.142', doc_count: 3 }, { key: '81.2.69.7', doc_count: 1 }], sum_other_doc_count: 148 }, ipsCount: { value: 150 } }
  t.same(readProfile(many, true).ips, { count: 1, values: ['81.2.69.x'] })
  t.same(readProfile(many, false).ips.count, 150)
})
