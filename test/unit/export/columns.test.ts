import t from 'tap'
import type { FieldError } from '../../../src/errors.ts'
import { DEFAULT_COLUMNS, expandColumns, sourcePaths, valueAt } from '../../../src/export/columns.ts'

t.test('fields and objects expand to the stored leaves of the mapping', async t => {
  const errors: FieldError[] = []
  const cols = expandColumns(['user', 'source.geo', 'audit.details', 'audit.details.channel', 'user.id'], errors)
  t.same(errors, [])
  t.same(cols.map(c => c.header), [
    'user.id', 'user.name', 'user.email',
    'source.geo.country_iso_code', 'source.geo.country_name', 'source.geo.region_iso_code', 'source.geo.city_name', 'source.geo.timezone', 'source.geo.location.lat', 'source.geo.location.lon',
    'audit.details', 'audit.details.channel'
  ], 'multi-fields such as user.name.text are not columns; duplicates once')
  t.same(sourcePaths(cols), ['user.id', 'user.name', 'user.email', 'source.geo.country_iso_code', 'source.geo.country_name', 'source.geo.region_iso_code',
    'source.geo.city_name', 'source.geo.timezone', 'source.geo.location', 'audit.details', 'audit.details.channel'])
})

t.test('unknown fields are errors with their position', async t => {
  const errors: FieldError[] = []
  expandColumns(['event.action', 'nope', 'user.name.txt', 'audit.details.Bad'], errors)
  t.same(errors.map(e => e.path), ['/columns/1', '/columns/2', '/columns/3'])
})

t.test('a multi-field (as Kibana\'s saved searches name columns) is the column of its field', async t => {
  const errors: FieldError[] = []
  t.same(expandColumns(['event.reason.keyword', 'user.name.text', 'user.name'], errors), [
    { header: 'event.reason', path: ['event', 'reason'] },
    { header: 'user.name', path: ['user', 'name'] }
  ])
  t.same(errors, [])
})

t.test('the default columns are all known', async t => {
  const errors: FieldError[] = []
  t.equal(expandColumns(DEFAULT_COLUMNS, errors).length, DEFAULT_COLUMNS.length)
  t.same(errors, [])
})

t.test('valueAt walks objects only', async t => {
  const doc = { a: { b: { c: 1 } }, l: [{ x: 1 }] }
  t.equal(valueAt(doc, ['a', 'b', 'c']), 1)
  t.same(valueAt(doc, ['a', 'b']), { c: 1 })
  t.equal(valueAt(doc, ['a', 'x', 'c']), undefined)
  t.equal(valueAt(doc, ['l', 'x']), undefined)
})
