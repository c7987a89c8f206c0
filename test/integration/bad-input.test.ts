import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents } from '../helpers/seed.ts'

// What a fuzzer found: values that reached Elasticsearch (or the date arithmetic) unchecked and came back as
// 500s, as 400s carrying Java exception text, or as a period silently moved to another day.
const seeded = seedEvents('bad', 20, Date.now() - 60_000)
let stack: Stack

t.before(async () => {
  stack = await startStack(t)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: seeded.map(s => s.body) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  // Events must be stored: Elasticsearch parses range values only on indices that exist.
  if (await stack.waitForCount(seeded.length) !== seeded.length) throw new Error('seed not indexed')
})

type Method = 'GET' | 'POST' | 'PUT'
const call = async (method: Method, url: string, payload?: object, key = KEYS.admin) =>
  await stack.api.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
const ENGINE_TEXT = /exception|java\.|Caused by|Root causes|failed to parse/i

const DATES: Array<[string, RegExp]> = [
  ['2026-02-30', /February 2026 has 28 days/],
  ['2026-01-01T99:99:99Z', /hour 99/],
  ['2026-01-01T23:59:60Z', /leap second/],
  ['0000-01-01', /year 0000 is out of range/],
  ['now-200000y', /goes past the years 1970–9999/],
  ['now+999999y', /goes past/]
]
const ZONES: Array<[string, RegExp]> = [['+99:99', /out of range/], ['europe/paris', /case-sensitive/], ['EUROPE/PARIS', /case-sensitive/]]

t.test('period and user summaries: impossible dates are 400s naming the field', async t => {
  const user = seeded[0]?.user as string
  for (const [date, why] of DATES) {
    const period = await call('POST', '/v1/analytics/period-summary', { filters: { period: { from: date, to: 'now' } } })
    t.equal(period.statusCode, 400, `period-summary from ${date}`)
    t.match(period.json().errors, [{ path: '/filters/period/from', message: why }])
    const summary = await call('GET', `/v1/users/${user}/summary?from=${encodeURIComponent(date)}`)
    t.equal(summary.statusCode, 400, `user summary from ${date}`)
    t.match(summary.json().errors, [{ path: '/querystring/from', message: why }])
  }
  for (const [zone, why] of ZONES) {
    const summary = await call('GET', `/v1/users/${user}/summary?tz=${encodeURIComponent(zone)}`)
    t.equal(summary.statusCode, 400, `user summary tz ${zone}`)
    t.match(summary.json().errors, [{ path: '/querystring/tz', message: why }])
  }
  const ok = await call('POST', '/v1/analytics/period-summary', { filters: { period: { from: '1970-01-01', to: 'now' } } })
  t.equal(ok.statusCode, 200, 'the earliest date accepted works')
  t.equal(ok.json().period.from, '1970-01-01T00:00:00.000Z', 'and is not moved')
})

t.test('searches, groupings, behaviour, signals and exports refuse the same values before any query', async t => {
  const routes: Array<[string, (period: object) => object]> = [
    ['/v1/events/search', period => ({ filters: { period } })],
    ['/v1/events/aggregate', period => ({ filters: { period }, groupBy: [{ field: 'category' }] })],
    ['/v1/behaviour/sessions', period => ({ filters: { period } })],
    ['/v1/signals/failed-logins', period => ({ filters: { period } })],
    ['/v1/exports', period => ({ format: 'ndjson', filters: { period } })]
  ]
  for (const [url, body] of routes) {
    for (const [date, why] of DATES) {
      const res = await call('POST', url, body({ from: date }))
      t.equal(res.statusCode, 400, `${url} from ${date}`)
      t.match(res.json().errors, [{ path: '/filters/period/from', message: why }])
      t.notMatch(res.body, ENGINE_TEXT)
    }
    for (const [zone, why] of ZONES) {
      const res = await call('POST', url, body({ from: 'now-1d', timeZone: zone }))
      t.equal(res.statusCode, 400, `${url} zone ${zone}`)
      t.match(res.json().errors, [{ path: '/filters/period/timeZone', message: why }])
    }
  }
  const get = await call('GET', `/v1/events?from=${encodeURIComponent('2026-02-30')}&tz=${encodeURIComponent('europe/paris')}`)
  t.equal(get.statusCode, 400)
  t.match(get.json().errors, [{ path: '/filters/period/from' }, { path: '/filters/period/timeZone' }])
  for (const query of ['@timestamp < 2026-02-30', '@timestamp >= "2026-01-01T23:59:60Z"', '@timestamp > now-200000y']) {
    const kql = await call('POST', '/v1/events/search', { query })
    t.equal(kql.statusCode, 400, query)
    t.match(kql.json().errors, [{ path: '/query' }])
    t.notMatch(kql.body, ENGINE_TEXT)
  }
  const ok = await call('POST', '/v1/events/search', { filters: { period: { from: 'now-1d', timeZone: 'US/Pacific' } } })
  t.equal(ok.statusCode, 200, 'zone aliases written as IANA writes them are taken')
})

t.test('numbers beyond what the store holds are 400s', async t => {
  const verify = await call('GET', '/v1/integrity/verify?tenant=default&from=99999999999999999999')
  t.equal(verify.statusCode, 400)
  t.match(verify.json().errors, [{ path: '/querystring/from' }])
  t.notMatch(verify.body, ENGINE_TEXT)
  const rules = await stack.api.app.inject({ method: 'PUT', url: '/v1/importance-rules', headers: { ...auth(KEYS.admin), 'content-type': 'application/json' }, payload: '{"version": 99999999999999999999, "rules": []}' })
  t.equal(rules.statusCode, 400)
  t.match(rules.json().errors, [{ path: '/version' }])
})

t.test('access log periods are real dates', async t => {
  for (const [date, why] of [['2026-12-31T23:59:60Z', /leap second/], ['0000-01-01T00:00:00Z', /year 0000/]] as const) {
    const res = await call('GET', `/v1/access-log?from=${encodeURIComponent(date)}`)
    t.equal(res.statusCode, 400, date)
    t.match(res.json().errors, [{ path: '/querystring/from', message: why }])
    t.notMatch(res.body, ENGINE_TEXT)
  }
})

t.test('evidence packs without a body are 400s', async t => {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.admin) })
  t.equal(res.statusCode, 400)
  t.match(res.json().errors, [{ path: '/', message: /name a user/ }])
})
