import t from 'tap'
import { rowFields, tableSearch } from '../../../console/src/features/discover/row-fields.ts'
import { DEFAULT_COLUMNS } from '../../../console/src/app/discover-state.ts'
import { pick, valueAt } from '../../../console/src/api/values.ts'
import { checkProjection } from '../../../src/query/sort.ts'
import { EVENT_FIELDS } from '../../../src/query/fields.ts'
import type { FieldError } from '../../../src/errors.ts'

t.test('a row asks for its columns, the actor beside the action and the tenant', async t => {
  t.same(rowFields(['@timestamp', 'event.action', 'message']), ['@timestamp', 'event.action', 'message', 'audit.actor.type', 'audit.actor.id', 'audit.tenant'])
  t.same(rowFields(['user.id', 'audit.tenant']), ['user.id', 'audit.tenant'], 'no actor without the action, no field twice')
  t.equal(rowFields(Array.from({ length: 100 }, (_, i) => `audit.details.k${i}`)), undefined, 'past the API\'s 100 fields, whole events')
})

t.test('the API accepts the default columns\' projection', async t => {
  const errors: FieldError[] = []
  checkProjection(rowFields(DEFAULT_COLUMNS), EVENT_FIELDS.keys(), errors)
  t.same(errors, [])
})

t.test('only the table\'s search is projected', async t => {
  const search = { query: 'event.action:login', size: 100 }
  t.same(tableSearch(search, ['user.id']), { ...search, fields: ['user.id', 'audit.tenant'] })
  t.same(search, { query: 'event.action:login', size: 100 }, 'the search exports and saved searches use is left as it was')
})

t.test('a picked event is flat, and read as the nested one', async t => {
  const event = { '@timestamp': '2026-12-01T10:00:00Z', event: { action: 'login' }, source: { geo: { country_iso_code: 'FR' } }, audit: { actor: { type: 'operator', id: 'op-1' } } }
  const paths = ['@timestamp', 'event.action', 'source.geo.country_iso_code', 'audit.actor.id', 'user.id']
  const flat = pick(event, paths)
  t.same(Object.keys(flat), paths, 'every path a key, in order, missing ones too')
  for (const p of paths) t.same(valueAt(flat, p), valueAt(event, p), p)
  t.same(valueAt(pick(event, ['source.geo']), 'source.geo'), { country_iso_code: 'FR' }, 'an object prefix keeps its object')
})
