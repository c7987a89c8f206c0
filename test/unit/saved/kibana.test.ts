import t from 'tap'
import { filtersToKql, andKql, kqlValue } from '../../../src/saved/filters-to-kql.ts'
import { fromKibana, toKibana, type KibanaSearchObject } from '../../../src/saved/kibana.ts'
import { kqlToQuery } from '../../../src/query/kql/index.ts'
import type { SavedSearch } from '../../../src/saved/schema.ts'

t.test('filters become KQL of the same meaning', async t => {
  t.equal(kqlValue('a"b\\c'), '"a\\"b\\\\c"')
  const { kql, notes } = filtersToKql({ action: ['login', 'logout'], country: ['FR'], ip: ['10.0.0.0/8'], importance: { min: 'high' }, amount: { gte: 10, lte: 20 }, operatorId: ['op-1'] })
  t.equal(kql, 'event.action:("login" or "logout") and source.ip:"10.0.0.0/8" and audit.actor.type:"operator" and audit.actor.id:"op-1" and audit.importance.level >= high and source.geo.country_iso_code:"FR" and audit.money.amount >= 10 and audit.money.amount <= 20')
  t.same(notes, [])
  t.doesNotThrow(() => kqlToQuery(kql, {}), 'the generated KQL compiles')
  t.match(filtersToKql({ text: 'refund' }).notes, [/free text/])
  t.equal(andKql('a:1 or b:2', '', undefined, 'c:3'), '(a:1 or b:2) and (c:3)')
  t.equal(andKql('a:1'), 'a:1')
})

const saved: SavedSearch = {
  id: '0b7c', name: 'Large withdrawals', description: 'd', query: 'event.action:withdrawal',
  filters: { amount: { gte: 1000 }, country: ['FR', 'BE'] }, timeRange: { from: 'now-30d', to: 'now' },
  columns: ['user.id', 'audit.money.amount'], sort: [{ field: 'amount', order: 'desc' }],
  shared: true, owner: 'k', tenant: null, created_at: '', updated_at: '', version: '0.1'
}

t.test('to Kibana and back keeps the meaning', async t => {
  const { object } = toKibana(saved, 'dv')
  t.equal(object.type, 'search')
  t.same(object.references, [{ id: 'dv', name: 'kibanaSavedObjectMeta.searchSourceJSON.index', type: 'index-pattern' }])
  t.same(object.attributes.sort, [['audit.money.amount', 'desc']])
  t.same(object.attributes.timeRange, { from: 'now-30d', to: 'now' })
  const source = JSON.parse(object.attributes.kibanaSavedObjectMeta.searchSourceJSON)
  t.equal(source.query.language, 'kuery')
  const back = fromKibana(object)
  t.same(back.problems, [])
  t.same(kqlToQuery(back.input?.query ?? '', {}), kqlToQuery(`(event.action:withdrawal) and (source.geo.country_iso_code:("FR" or "BE") and audit.money.amount >= 1000)`, {}))
  t.same(back.input?.timeRange, { from: 'now-30d', to: 'now' })
  t.same(back.input?.columns, ['user.id', 'audit.money.amount'])
})

const kibanaObject = (source: object, extra: object = {}): KibanaSearchObject => ({
  id: 'k1', type: 'search', references: [],
  attributes: { title: 'T', kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(source) }, ...extra }
})

t.test('Kibana filter pills become KQL; what has no twin is reported', async t => {
  const ok = fromKibana(kibanaObject({
    query: { query: 'event.action:login', language: 'kuery' },
    filter: [
      { meta: { type: 'phrase', key: 'event.outcome', params: { query: 'failure' }, negate: false }, query: { match_phrase: { 'event.outcome': 'failure' } } },
      { meta: { type: 'phrases', key: 'source.geo.country_iso_code', params: ['FR', 'DE'], negate: true } },
      { meta: { type: 'range', key: 'audit.money.amount', params: { gte: 5, lt: 10 } } },
      { meta: { type: 'exists', key: 'audit.session.id' }, exists: { field: 'audit.session.id' } },
      { meta: { type: 'phrase', key: 'user.id', params: { query: 'x' }, disabled: true } }
    ]
  }, { timeRestore: true, timeRange: { from: 'now-7d', to: 'now' } }))
  t.same(ok.problems, [])
  t.equal(ok.input?.query, '(event.action:login) and (event.outcome:"failure") and (not (source.geo.country_iso_code:("FR" or "DE"))) and (audit.money.amount >= 5 and audit.money.amount < 10) and (audit.session.id:*)')
  t.doesNotThrow(() => kqlToQuery(ok.input?.query ?? '', {}))
  const lucene = fromKibana(kibanaObject({ query: { query: 'event.action:login AND user.id:x*', language: 'lucene' } }))
  t.equal(lucene.input, undefined)
  t.match(lucene.problems, [/lucene, not KQL/])
  const custom = fromKibana(kibanaObject({ query: { query: '', language: 'kuery' }, filter: [{ meta: { type: 'custom', key: 'query' }, query: { script: { script: 'doc' } } }] }))
  t.match(custom.problems, [/type custom has no KQL equivalent/])
  t.match(fromKibana(kibanaObject({})).notes, [/no time range/])
})
