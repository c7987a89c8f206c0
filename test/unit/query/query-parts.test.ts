import t from 'tap'
import { isDateMath, isTimeZone } from '../../../src/query/date-math.ts'
import { isIpOrCidr } from '../../../src/query/ip-match.ts'
import { checkFilters, compileFilters } from '../../../src/query/filters.ts'
import { paramsToRequest } from '../../../src/query/search-params.ts'
import { checkProjection, compileSort } from '../../../src/query/sort.ts'
import { EVENT_FIELDS, lookupField } from '../../../src/query/fields.ts'
import type { FieldError } from '../../../src/errors.ts'

t.test('date math and zones', async t => {
  for (const ok of ['now', 'now-7d', 'now-7d/d', 'now+1h/h', 'now-1M-2d/M', '2026-11-26', '2026-11-26T10:00:00Z', '2026-11-26T10:00:00.123+01:00', '2026-11-01||+1M/d', '2026-11-01||/d']) {
    t.ok(isDateMath(ok), ok)
  }
  for (const bad of ['yesterday', 'now-7x', 'now-', '2026-13-45', 'now-7d/d/d', '2026-11-26 10:00', '', 'now-1d; DROP']) t.notOk(isDateMath(bad), bad)
  for (const ok of ['Europe/Paris', 'UTC', '+02:00', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) t.ok(isTimeZone(ok), ok)
  for (const bad of ['Mars/Olympus', '+2', 'Europe/Paris; x', '../../etc']) t.notOk(isTimeZone(bad), bad)
})

t.test('addresses and blocks', async t => {
  for (const ok of ['1.2.3.4', '10.0.0.0/8', '0.0.0.0/0', '::1', '2001:db8::/32', '2001:db8::/128']) t.ok(isIpOrCidr(ok), ok)
  for (const bad of ['1.2.3', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '/8', 'x/8', '10.0.0.0/8/8', '10.0.0.0/-1', 'fe80::1%eth0', 'fe80::1%eth0/64', 'fe80::1%25eth0/64']) t.notOk(isIpOrCidr(bad), bad)
})

t.test('filters compile to exact clauses', async t => {
  t.same(compileFilters({}), { filter: [], must: [] })
  const c = compileFilters({
    category: ['money'], action: ['deposit', 'withdrawal'], ip: ['10.0.0.0/8'], operatorId: ['op-1'],
    period: { from: 'now-7d/d', to: 'now', timeZone: 'Europe/Paris' }, importance: { min: 'high' }, amount: { gte: 10 }
  }, Date.parse('2026-12-04T17:40:00Z'))
  t.same(c.filter, [
    { term: { 'audit.category': 'money' } },
    { terms: { 'event.action': ['deposit', 'withdrawal'] } },
    { term: { 'audit.actor.type': 'operator' } },
    { term: { 'audit.actor.id': 'op-1' } },
    { term: { 'source.ip': '10.0.0.0/8' } },
    { range: { '@timestamp': { gte: '2026-12-04T17:40:00.000Z||-7d/d', lte: '2026-12-04T17:40:00.000Z', time_zone: 'Europe/Paris' } } },
    { terms: { 'audit.importance.level': ['high', 'critical'] } },
    { range: { 'audit.money.amount': { gte: 10 } } }
  ])
  t.same(compileFilters({ importance: { levels: ['low'], min: 'high' } }).filter, [
    { term: { 'audit.importance.level': 'low' } }, { terms: { 'audit.importance.level': ['high', 'critical'] } }
  ], 'both importance filters apply (here: nothing matches)')
  t.match(compileFilters({ text: 'refund' }).must, [{ bool: { should: [{ multi_match: { query: 'refund', operator: 'and' } }, { term: { 'audit.details': 'refund' } }] } }])
  t.same(checkFilters({ ip: ['nope'], period: { from: 'x', timeZone: 'Nowhere/Land' }, amount: { gte: 5, lte: 1 } }).map(e => e.path),
    ['/filters/period/from', '/filters/period/timeZone', '/filters/ip/0', '/filters/amount'])
})

t.test('query parameters become a search request', async t => {
  t.same(paramsToRequest({ action: 'login, logout', from: 'now-1d', tz: 'UTC', minLevel: 'high', minAmount: 5, sort: '-time,importance', size: 10, q: 'a:b' }), {
    filters: { action: ['login', 'logout'], period: { from: 'now-1d', timeZone: 'UTC' }, importance: { min: 'high' }, amount: { gte: 5 } },
    query: 'a:b', timeZone: 'UTC', sort: [{ field: 'time', order: 'desc' }, { field: 'importance', order: 'asc' }], size: 10
  })
  t.same(paramsToRequest({ cursor: 'abc' }), { cursor: 'abc' }, 'a cursor is sent alone')
  t.throws(() => paramsToRequest({ cursor: 'abc', action: 'x', size: 5 }), { statusCode: 400, errors: [{ path: '/querystring/action', message: /must not be sent with a cursor/ }, { path: '/querystring/size' }] }, 'not with parameters it would ignore')
  t.same(paramsToRequest({ user: 'evil' }, { userId: ['u-1'] }).filters, { userId: ['u-1'] }, 'route filters win over parameters')
})

t.test('sort and projection allowlists', async t => {
  const errors: FieldError[] = []
  t.same(compileSort(undefined, errors, false), [{ '@timestamp': { order: 'desc' } }])
  t.same(compileSort([{ field: 'importance' }, { field: 'user.id', order: 'asc' }], errors, false), [{ 'audit.importance.score': { order: 'desc' } }, { 'user.id': { order: 'asc' } }])
  t.same(errors, [])
  compileSort([{ field: 'message' }, { field: 'nope' }, { field: 'source.geo.location' }], errors, false)
  t.same(errors.map(e => e.path), ['/sort/0/field', '/sort/1/field', '/sort/2/field'])
  const pErrors: FieldError[] = []
  t.same(checkProjection(['source.geo', 'event.action'], EVENT_FIELDS.keys(), pErrors), ['@timestamp', 'event.id', 'source.geo', 'event.action'])
  checkProjection(['sourc', 'audit.details.channel'], EVENT_FIELDS.keys(), pErrors)
  t.same(pErrors.map(e => e.path), ['/fields/0'])
})

t.test('the mapping is the field allowlist', async t => {
  t.match(lookupField('source.ip'), { type: 'ip' })
  t.match(lookupField('audit.money.amount'), { type: 'number' })
  t.match(lookupField('event.action'), { type: 'keyword', leadingWildcard: true })
  t.match(lookupField('user.id'), { type: 'keyword', leadingWildcard: false })
  t.match(lookupField('audit.details.channel'), { type: 'keyword' })
  t.equal(lookupField('audit.details.Bad-Key'), undefined)
  t.equal(lookupField('ctx._source'), undefined)
  t.equal(lookupField('event'), undefined, 'objects are not fields')
  t.match(lookupField('user.name.text'), { type: 'text', multiFieldOf: 'user.name' }, 'a multi-field names the field it indexes')
  t.equal(lookupField('user.name')?.multiFieldOf, undefined)
})
