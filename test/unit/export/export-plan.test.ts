import t from 'tap'
import { ValidationError } from '../../../src/errors.ts'
import { planExport, planPack } from '../../../src/export/export-plan.ts'

const scope = { tenant: 'brand-a', masked: false }
const errorsOf = (f: () => unknown): Array<{ path: string }> => {
  try { f() } catch (err) { if (err instanceof ValidationError) return err.errors }
  return []
}

t.test('an export compiles to a confined query, a stable order and its columns', async t => {
  const plan = planExport({ format: 'csv', filters: { action: ['login'] }, columns: ['event.id', 'source.geo.country_iso_code'], bom: true }, scope)
  t.same(plan.query, { bool: { filter: [{ term: { 'audit.tenant': 'brand-a' } }, { term: { 'event.action': 'login' } }] } })
  t.same(plan.sort, [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }], 'ties broken by event id')
  t.equal(plan.sortLabel, '@timestamp descending, then event.id ascending')
  t.same(plan.source, ['event.id', 'source.geo.country_iso_code'])
  t.equal(plan.bom, true)
  t.same(planExport({ format: 'ndjson', sort: [{ field: 'event.id', order: 'desc' }] }, scope).sort, [{ 'event.id': { order: 'desc' } }], 'no second tie-breaker')
  t.same(planExport({ format: 'ndjson' }, { tenant: null, masked: false }).sort, [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }, { 'audit.tenant': { order: 'asc' } }], 'for every tenant, then by tenant: tenants may share an id')
  t.same(planPack({ userId: 'u-1' }, { tenant: null, masked: false }).sort, [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }, { 'audit.tenant': { order: 'asc' } }])
  t.equal(planExport({ format: 'ndjson', columns: ['x'] }, scope).columns, undefined, 'columns are for CSV')
})

t.test('every problem comes back at once', async t => {
  t.same(errorsOf(() => planExport({ format: 'csv', query: 'event.action:(login or', columns: ['nope'], sort: [{ field: 'message' }] }, scope)).map(e => e.path), ['/query', '/sort/0/field', '/columns/0'])
  t.same(errorsOf(() => planExport({ format: 'xml' }, scope)).map(e => e.path), ['/format'])
  t.same(errorsOf(() => planExport({ format: 'csv', extra: 1 }, scope)).map(e => e.path), ['/extra'])
  t.same(errorsOf(() => planExport(undefined, scope)).map(e => e.path), ['/format'])
})

t.test('an evidence pack names its subject; it reads oldest first', async t => {
  const plan = planPack({ userId: 'u-1', sessionId: 's-1', filters: { outcome: ['failure'] } }, scope)
  t.same(plan.query, { bool: { filter: [
    { bool: { filter: [{ term: { 'audit.tenant': 'brand-a' } }, { term: { 'event.outcome': 'failure' } }] } },
    { term: { 'user.id': 'u-1' } }, { term: { 'audit.session.id': 's-1' } }
  ] } })
  t.same(plan.sort, [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }])
  t.equal(plan.title, 'Evidence pack: user u-1')
  t.same(plan.selection, { filters: { userId: 'u-1', sessionId: 's-1', outcome: ['failure'] } })
  t.same(planPack({ userId: 'u-1', filters: { userId: ['u-1', 'u-2'] } }, scope).selection, { filters: { userId: 'u-1' } }, 'the subject, not the wider list it narrows, is what the pack selected')
  t.equal(planPack({ sessionId: 's-9', title: 'Case 7' }, scope).title, 'Case 7')
  t.same(errorsOf(() => planPack({}, scope)).map(e => e.path), ['/'])
  t.same(errorsOf(() => planPack({ query: '  ' }, scope)).map(e => e.path), ['/'])
  t.equal(planPack({ query: 'event.action:login' }, { tenant: null, masked: false }).title, 'Evidence pack')
})
