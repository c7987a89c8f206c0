import t from 'tap'
import fc from 'fast-check'
import { filtersToKql, andKql, kqlValue } from '../../../src/saved/filters-to-kql.ts'
import { fromKibana, toKibana, type KibanaSearchObject } from '../../../src/saved/kibana.ts'
import { kqlToQuery } from '../../../src/query/kql/index.ts'
import type { SavedSearch } from '../../../src/saved/schema.ts'

t.test('filters become KQL of the same meaning', async t => {
  t.equal(kqlValue('a"b\\c'), '"a\\"b\\\\c"')
  const { kql, notes } = filtersToKql({ action: ['login', 'logout'], country: ['FR'], ip: ['10.0.0.0/8'], importance: { min: 'high' }, amount: { gte: 10, lte: 20 }, operatorId: ['op-1'] })
  t.equal(kql, 'event.action:("login" or "logout") and source.ip:"10.0.0.0/8" and audit.actor.type:"operator" and audit.actor.id:"op-1" and audit.importance.level:("high" or "critical") and source.geo.country_iso_code:"FR" and audit.money.amount >= 10 and audit.money.amount <= 20')
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

t.test('a tenant\'s search names its tenant in Kibana; a period with only an end runs from the beginning', async t => {
  const { object } = toKibana({ ...saved, tenant: 'brand-a', timeRange: undefined, filters: { period: { to: '2026-01-01T00:00:00Z' } } }, 'dv')
  t.equal(JSON.parse(object.attributes.kibanaSavedObjectMeta.searchSourceJSON).query.query, '(audit.tenant:"brand-a") and (event.action:withdrawal)')
  t.same(object.attributes.timeRange, { from: '1970-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00Z' })
  t.equal(object.attributes.timeRestore, true)
})

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

t.test('ranges on the importance level travel to Kibana as the levels they keep: Kibana would compare them as text', async t => {
  const query = 'audit.importance.level >= high and not (audit.importance.level < medium or user.id:"a >= b") or audit.importance.level>low or audit.importance.level < low'
  const { object, notes } = toKibana({ ...saved, query, filters: undefined }, 'dv')
  const sent = JSON.parse(object.attributes.kibanaSavedObjectMeta.searchSourceJSON).query.query as string
  t.equal(sent, 'audit.importance.level:(high or critical) and not (audit.importance.level:(low) or user.id:"a >= b") or audit.importance.level:(medium or high or critical) or (not audit.importance.level:*)')
  t.match(notes, [/compare levels as text/])
  t.same(toKibana({ ...saved, query: 'user.id:x', filters: undefined }, 'dv').notes, [], 'nothing said when there is none')
  const imported = fromKibana(kibanaObject({ query: { query: 'audit.importance.level >= high', language: 'kuery' } }))
  t.match(imported.notes, [/in their order here .* as text in Kibana/])
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
  t.match(lucene.problems, [{ path: '/attributes/kibanaSavedObjectMeta/searchSourceJSON/query/language', message: /lucene, not KQL/ }])
  const custom = fromKibana(kibanaObject({ query: { query: '', language: 'kuery' }, filter: [{ meta: { type: 'custom', key: 'query' }, query: { script: { script: 'doc' } } }] }))
  t.match(custom.problems, [{ path: '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter/0', message: /type custom has no KQL equivalent/ }])
  t.match(fromKibana(kibanaObject({})).notes, [/no time range/])
  // An escaped parenthesis that would close the query's wrapper early, leaving the pill on one branch only.
  const escaping = fromKibana(kibanaObject({
    query: { query: 'event.action:a\\) or event.action:b) or (event.action:c', language: 'kuery' },
    filter: [{ meta: { type: 'phrase', key: 'event.outcome', params: { query: 'failure' }, negate: true } }]
  }))
  t.equal(escaping.input, undefined)
  t.match(escaping.problems, [{ path: '/attributes/kibanaSavedObjectMeta/searchSourceJSON/query/query', message: /not valid KQL on its own/ }])
})

const SOURCE = '/attributes/kibanaSavedObjectMeta/searchSourceJSON'
const withSource = (source: unknown, attributes: object = {}): object => ({ id: 'k', type: 'search', attributes: { title: 'T', kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(source) }, ...attributes } })

t.test('any JSON is read without throwing; each wrong part is named by its pointer', async t => {
  const cases: Array<[unknown, string, RegExp]> = [
    [null, '/', /must be a JSON object/],
    [[1, 2], '/', /must be a JSON object/],
    [{ type: 'search' }, '/attributes', /must be an object/],
    [{ type: 'search', attributes: {} }, '/attributes/title', /is required/],
    [{ type: 'search', attributes: { title: 42 } }, '/attributes/title', /non-empty string/],
    [{ type: 'search', attributes: { title: 'T', kibanaSavedObjectMeta: { searchSourceJSON: null } } }, SOURCE, /must be a string/],
    [withSource(null), SOURCE, /must hold a JSON object/],
    [{ type: 'search', attributes: { title: 'T', kibanaSavedObjectMeta: { searchSourceJSON: '{' } } }, SOURCE, /is not JSON/],
    [withSource({ filter: { meta: {} } }), `${SOURCE}/filter`, /must be an array/],
    [withSource({ filter: [null] }), `${SOURCE}/filter/0`, /must be a filter object/],
    [withSource({ filter: [{ meta: { type: 'phrase', key: 7 } }] }), `${SOURCE}/filter/0/meta/key`, /must be a string/],
    [withSource({ filter: [{ meta: { type: 'phrases', key: 'user.id', params: [{ a: 1 }] } }] }), `${SOURCE}/filter/0/meta/params/0`, /must be a string or a number/],
    [withSource({ filter: [{ meta: { type: 'phrases', key: 'user.id', params: 'u-1' } }] }), `${SOURCE}/filter/0/meta/params`, /list of 1 to 100 values/],
    [withSource({ filter: [{ meta: { type: 'phrase', key: 'user.id', params: { query: { a: 1 } } } }] }), `${SOURCE}/filter/0/meta/params/query`, /string or a number/],
    [withSource({ filter: [{ meta: { type: 'range', key: 'audit.money.amount', params: { gte: [] } } }] }), `${SOURCE}/filter/0/meta/params/gte`, /string or a number/],
    [withSource({ query: { query: 5, language: 'kuery' } }), `${SOURCE}/query/query`, /must be a string/],
    [withSource({}, { columns: 'user.id' }), '/attributes/columns', /array of field names/],
    [withSource({}, { columns: ['user.id', 5] }), '/attributes/columns/1', /field name/],
    [withSource({}, { sort: 'x' }), '/attributes/sort', /pairs/],
    [withSource({}, { sort: [null, ['@timestamp', 'desc']] }), '/attributes/sort/0', /pair/],
    [withSource({}, { timeRestore: true }), '/attributes/timeRange', /from/]
  ]
  for (const [object, path, why] of cases) t.match(fromKibana(object), { input: undefined, problems: [{ path, message: why }] }, `${JSON.stringify(object).slice(0, 120)}`)
  t.same(fromKibana(withSource({}, { sort: ['@timestamp', 'asc'] })).input?.sort, [{ field: '@timestamp', order: 'asc' }], 'the older single-pair sort')
})

t.test('a pill\'s field must be a field of the events, so nothing else enters the KQL query', async t => {
  for (const key of ['user.id:x or user.id', 'host.name', 'user.*', '']) {
    const r = fromKibana(withSource({ filter: [{ meta: { type: 'phrase', key, params: { query: 'a' } } }] }))
    t.equal(r.input, undefined, key)
    t.match(r.problems, [{ path: `${SOURCE}/filter/0/meta/key`, message: /is not a field of the audit events|is required/ }])
  }
  const ok = fromKibana(withSource({ filter: [{ meta: { type: 'phrase', key: 'audit.details.channel', params: { query: 'app' } } }, { exists: { field: 'user.email' }, meta: { type: 'exists' } }] }))
  t.equal(ok.input?.query, '(audit.details.channel:"app") and (user.email:*)')
})

t.test('no JSON makes the reader throw', async () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 4 }), (object, source) => {
    fromKibana(object)
    const r = fromKibana(withSource(source, isObjectLike(object) ? object : {}))
    return r.input !== undefined || r.problems.length > 0
  }), { numRuns: 2000 })
  const pill = fc.record({
    meta: fc.record({ type: fc.constantFrom('phrase', 'phrases', 'range', 'exists', 'custom', 7), key: fc.oneof(fc.constantFrom('user.id', 'audit.money.amount', 'x'), fc.jsonValue()), params: fc.jsonValue(), negate: fc.jsonValue(), disabled: fc.constantFrom(false, undefined, 'no') }, { requiredKeys: [] }),
    exists: fc.jsonValue()
  }, { requiredKeys: [] })
  fc.assert(fc.property(fc.array(pill, { maxLength: 5 }), filter => {
    const r = fromKibana(withSource({ query: { query: 'event.action:login', language: 'kuery' }, filter }))
    return r.input !== undefined || r.problems.length > 0
  }), { numRuns: 3000 })
})

const isObjectLike = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v)
