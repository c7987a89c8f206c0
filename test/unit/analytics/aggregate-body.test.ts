import t from 'tap'
import type { FieldError } from '../../../src/errors.ts'
import type { AggregateRequest } from '../../../src/analytics/aggregate-schema.ts'
import { aggregationBody, dateBuckets, decodeAfter, encodeAfter, groupBound, planAggregate } from '../../../src/analytics/aggregate-body.ts'
import { readGroups, readPage } from '../../../src/analytics/aggregate-result.ts'

const NOW = Date.parse('2026-11-26T14:45:12.345Z')
const plan = (req: AggregateRequest, masked = false): { plan: ReturnType<typeof planAggregate>, errors: FieldError[] } => {
  const errors: FieldError[] = []
  return { plan: planAggregate(req, masked, NOW, errors), errors }
}

t.test('named groups, metrics and order become nested aggregations', async t => {
  const { plan: p, errors } = plan({ groupBy: [{ field: 'country', size: 5, order: { by: 'amount.sum' } }, { field: 'action' }], metrics: ['uniqueUsers'] })
  t.same(errors, [])
  t.same(p.metrics.sort(), ['amount', 'uniqueUsers'], 'ordering by a metric computes it')
  const metrics = {
    uniqueUsers: { cardinality: { field: 'user.id', precision_threshold: 40000 } },
    amount: { stats: { field: 'audit.money.amount' } }
  }
  t.same(aggregationBody(p), {
    g: {
      terms: { field: 'source.geo.country_iso_code', size: 5, order: [{ 'amount.sum': 'desc' }, { _key: 'asc' }] },
      aggs: {
        ...metrics,
        g: { terms: { field: 'event.action', size: 10, order: [{ _count: 'desc' }, { _key: 'asc' }] }, aggs: metrics },
        missing: { missing: { field: 'event.action' } }
      }
    },
    missing: { missing: { field: 'source.geo.country_iso_code' } }
  })
  t.equal(groupBound(p, undefined), 50)
})

t.test('an interval named like an object member is refused at its path', async t => {
  for (const interval of ['constructor', 'toString', '__proto__']) {
    t.match(plan({ groupBy: [{ field: 'date', interval }] }).errors, [{ path: '/groupBy/0/interval', message: /must be one of minute/ }], interval)
  }
})

t.test('date groups: calendar and fixed intervals, zone, empty buckets within the period', async t => {
  const { plan: p, errors } = plan({
    filters: { period: { from: '2026-11-01', to: '2026-11-07', timeZone: 'Europe/Paris' } },
    groupBy: [{ field: 'date', interval: 'day' }, { field: 'operator' }]
  })
  t.same(errors, [])
  t.same(p.filter, [{ term: { 'audit.actor.type': 'operator' } }], 'grouping by operator narrows to operator actions')
  t.same(p.bounds, { min: Date.parse('2026-10-31T23:00:00Z'), max: Date.parse('2026-11-07T22:59:59.999Z') })
  t.same(aggregationBody(p).g, {
    date_histogram: {
      field: '@timestamp', time_zone: 'Europe/Paris', min_doc_count: 0, order: [{ _key: 'asc' }],
      extended_bounds: { min: Date.parse('2026-10-31T23:00:00Z'), max: Date.parse('2026-11-07T22:59:59.999Z') }, calendar_interval: '1d'
    },
    aggs: {
      g: { terms: { field: 'audit.actor.id', size: 10, order: [{ _count: 'desc' }, { _key: 'asc' }] } },
      missing: { missing: { field: 'audit.actor.id' } }
    }
  })
  t.equal(groupBound(p, { min: p.bounds.min as number, max: p.bounds.max as number }), 70, '7 local days × 10')
  const fixed = plan({ groupBy: [{ field: 'date', interval: '6h', timeZone: 'Asia/Kolkata' }], timeZone: 'UTC' }).plan
  t.match(aggregationBody(fixed).g, { date_histogram: { fixed_interval: '6h', time_zone: 'Asia/Kolkata' } })
  t.notOk('extended_bounds' in (aggregationBody(fixed).g?.date_histogram ?? {}), 'no period, no forced bounds')
})

t.test('bucket counts', async t => {
  const level = (interval: string, zone = 'UTC') => plan({ groupBy: [{ field: 'date', interval, timeZone: zone }] }).plan.levels[0] as Parameters<typeof dateBuckets>[0]
  const d = (s: string): number => Date.parse(s)
  t.equal(dateBuckets(level('day'), d('2026-11-01T00:00:00Z'), d('2026-11-30T23:59:59.999Z')), 30)
  t.equal(dateBuckets(level('day', 'Europe/Paris'), d('2026-10-24T22:00:00Z'), d('2026-10-26T22:59:59.999Z')), 2, 'the 25-hour day is one bucket')
  t.equal(dateBuckets(level('week'), d('2026-11-01T00:00:00Z'), d('2026-11-30T00:00:00Z')), 6, 'Sunday 1st to Monday 30th touch six ISO weeks')
  t.equal(dateBuckets(level('month'), d('2025-12-15T00:00:00Z'), d('2026-11-30T00:00:00Z')), 12)
  t.equal(dateBuckets(level('quarter'), d('2026-01-01T00:00:00Z'), d('2026-12-31T00:00:00Z')), 4)
  t.equal(dateBuckets(level('year'), d('2024-06-01T00:00:00Z'), d('2026-01-01T00:00:00Z')), 3)
  t.equal(dateBuckets(level('hour'), d('2026-11-01T00:30:00Z'), d('2026-11-01T05:00:00Z')), 6)
  t.equal(dateBuckets(level('30m'), d('2026-11-01T00:00:00Z'), d('2026-11-01T23:59:59Z')), 48)
  t.equal(dateBuckets(level('minute'), d('2026-11-01T00:00:00Z'), d('2026-11-08T00:00:00Z')), 7 * 1440 + 1)
})

t.test('refusals carry the path', async t => {
  const cases: Array<[AggregateRequest, string, boolean?]> = [
    [{ groupBy: [{ field: 'message' }] }, '/groupBy/0/field'],
    [{ groupBy: [{ field: 'source.geo.location' }] }, '/groupBy/0/field'],
    [{ groupBy: [{ field: 'audit.details' }] }, '/groupBy/0/field'],
    [{ groupBy: [{ field: 'event.ingested' }] }, '/groupBy/0/field'],
    [{ groupBy: [{ field: 'no.such' }] }, '/groupBy/0/field'],
    [{ groupBy: [{ field: 'action' }, { field: 'action' }] }, '/groupBy/1/field'],
    [{ groupBy: [{ field: 'date', interval: 'fortnight' }] }, '/groupBy/0/interval'],
    [{ groupBy: [{ field: 'date', interval: '0m' }] }, '/groupBy/0/interval'],
    [{ groupBy: [{ field: 'date', timeZone: 'Mars/Base' }] }, '/groupBy/0/timeZone'],
    [{ groupBy: [{ field: 'date', size: 5 }] }, '/groupBy/0/size'],
    [{ groupBy: [{ field: 'action', interval: 'day' }] }, '/groupBy/0/interval'],
    [{ groupBy: [{ field: 'action', order: { by: 'count' } }], page: {} }, '/groupBy/0/order/by'],
    [{ groupBy: [{ field: 'action', size: 3 }], page: {} }, '/groupBy/0/size'],
    [{ groupBy: [{ field: 'source.ip' }], page: {} }, '/groupBy/0/field', true],
    [{ groupBy: [{ field: 'action' }], page: { after: 'not-a-key' } }, '/page/after']
  ]
  for (const [req, path, masked] of cases) {
    const { errors } = plan(req, masked)
    t.equal(errors[0]?.path, path, `${JSON.stringify(req)}: ${errors[0]?.message}`)
  }
  t.same(plan({ groupBy: [{ field: 'audit.details.channel' }, { field: 'source.ip' }] }).errors, [], 'detail keys and addresses group')
  // Groups of clear values would count and order what the masked keys hide.
  t.match(plan({ groupBy: [{ field: 'source.ip' }] }, true).errors, [{ path: '/groupBy/0/field', message: 'field "source.ip" is masked for this key' }], 'masked readers do not group on personal fields')
  t.match(plan({ groupBy: [{ field: 'category' }, { field: 'user.name' }] }, true).errors, [{ path: '/groupBy/1/field', message: 'field "user.name" is masked for this key' }])
  t.match(plan({ groupBy: [{ field: 'category' }], metrics: ['uniqueIps'] }, true).errors, [{ path: '/metrics' }], 'nor count distinct addresses')
  t.match(plan({ groupBy: [{ field: 'category', order: { by: 'uniqueIps' } }] }, true).errors, [{ path: '/groupBy' }])
  t.same(plan({ groupBy: [{ field: 'category' }, { field: 'user.id' }], metrics: ['uniqueUsers'] }, true).errors, [], 'other fields group as before')
})

t.test('composite paging and its after key', async t => {
  const { plan: p } = plan({ groupBy: [{ field: 'date', interval: 'month', timeZone: 'Europe/Paris' }, { field: 'audit.money.amount', order: { by: 'key', direction: 'desc' } }], metrics: ['uniqueIps'], page: { size: 2 } })
  t.same(aggregationBody(p), {
    g: {
      composite: {
        size: 2,
        sources: [
          { l0: { date_histogram: { field: '@timestamp', time_zone: 'Europe/Paris', order: 'asc', calendar_interval: '1M' } } },
          { l1: { terms: { field: 'audit.money.amount', order: 'desc', missing_bucket: true } } }
        ]
      },
      aggs: { uniqueIps: { cardinality: { field: 'source.ip', precision_threshold: 40000 } } }
    }
  })
  const token = encodeAfter({ l0: 1761951600000, l1: 12.5 }) as string
  t.same(decodeAfter(token, p.levels), { l0: 1761951600000, l1: 12.5 })
  t.equal(decodeAfter(encodeAfter({ l0: 'x', l1: 1 }) as string, p.levels), undefined, 'a date key is a number')
  t.equal(decodeAfter(encodeAfter({ l0: 1 }) as string, p.levels), undefined, 'every level is keyed')
  t.equal(decodeAfter(Buffer.from('[1,2]').toString('base64url'), p.levels), undefined)
  const next = plan({ groupBy: [{ field: 'action' }], page: { after: encodeAfter({ l0: 'login' }) as string } }).plan
  t.same(next.page, { size: 100, after: { l0: 'login' } })

  const page = readPage(p, { g: { buckets: [
    { key: { l0: Date.parse('2026-10-31T23:00:00Z'), l1: 20 }, doc_count: 3, uniqueIps: { value: 2 } },
    { key: { l0: Date.parse('2026-10-31T23:00:00Z'), l1: null }, doc_count: 1, uniqueIps: { value: 1 } }
  ], after_key: { l0: Date.parse('2026-10-31T23:00:00Z'), l1: null } } }, false)
  t.same(page.groups, [
    { key: 20, keys: ['2026-11-01T00:00:00.000+01:00', 20], count: 3, metrics: { uniqueIps: 2 } },
    { key: null, keys: ['2026-11-01T00:00:00.000+01:00', null], count: 1, metrics: { uniqueIps: 1 } }
  ])
  t.type(page.after, 'string', 'a full page has a next page')
  t.equal(readPage(p, { g: { buckets: [], after_key: { l0: 1 } } }, false).after, null, 'a short page is the last')
})

t.test('answers become groups: keys, masking, completeness and exactness', async t => {
  const { plan: p } = plan({ groupBy: [{ field: 'source.ip', size: 2 }, { field: 'date', interval: 'day' }], metrics: ['amount'] })
  const stats = { count: 1, sum: 5, avg: 5, min: 5, max: 5 }
  const empty = { count: 0, sum: 0, avg: null, min: null, max: null }
  const raw = {
    g: {
      sum_other_doc_count: 4, doc_count_error_upper_bound: 0,
      buckets: [{ key: '81.2.69.142', doc_count: 1, amount: stats, g: { buckets: [{ key: Date.parse('2026-11-01T00:00:00Z'), doc_count: 1, amount: stats }, { key: Date.parse('2026-11-02T00:00:00Z'), doc_count: 0, amount: empty }] }, missing: { doc_count: 0 } }]
    },
    missing: { doc_count: 7 }
  }
  const plain = readGroups(p, raw, false)
  t.same(plain, {
    groups: [{
      key: '81.2.69.142', count: 1, metrics: { amount: stats }, otherCount: 0, missingCount: 0,
      groups: [
        { key: '2026-11-01T00:00:00.000Z', count: 1, metrics: { amount: stats } },
        { key: '2026-11-02T00:00:00.000Z', count: 0, metrics: { amount: empty } }
      ]
    }],
    otherCount: 4, missingCount: 7, complete: false, exact: true
  })
  t.equal(readGroups(p, raw, true).groups[0]?.key, '81.2.69.x', 'masked readers see masked keys')
  t.equal(readGroups(p, { g: { ...raw.g, doc_count_error_upper_bound: 3 } }, false).exact, false)
  t.equal(readGroups(p, { g: { ...raw.g, sum_other_doc_count: 0, doc_count_error_upper_bound: 3 } }, false).exact, true, 'nothing left out: counts are whole')
})

t.test('a top-N ordered by a metric is not guaranteed', async t => {
  const { plan: p } = plan({ groupBy: [{ field: 'action', size: 2, order: { by: 'uniqueUsers' } }] })
  const raw = { g: { sum_other_doc_count: 5, doc_count_error_upper_bound: 0, buckets: [] } }
  t.equal(readGroups(p, raw, false).exact, false)
  t.equal(readGroups(p, { g: { ...raw.g, sum_other_doc_count: 0 } }, false).exact, true, 'unless nothing was left out')
  t.equal(readGroups(plan({ groupBy: [{ field: 'action', size: 2, order: { by: 'key' } }] }).plan, raw, false).exact, true, 'key order is exact')
})
