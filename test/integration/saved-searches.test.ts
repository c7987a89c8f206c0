import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents, type Seeded } from '../helpers/seed.ts'

const N = 300
const base = Date.now() - 60_000
const seeded = seedEvents('sv', N, base)
const DAY = 86_400_000
let stack: Stack

t.before(async () => {
  stack = await startStack(t)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: seeded.map(s => s.body) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  await stack.waitForCount(N)
})

const call = async (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object | string, headers: Record<string, string> = {}) =>
  await stack.api.app.inject({ method, url, headers: { ...auth(key), ...headers }, ...(payload === undefined ? {} : { payload }) })

async function runAll (id: string, key = KEYS.read, body: object = {}): Promise<string[]> {
  const ids: string[] = []
  let page = (await call(key, 'POST', `/v1/saved-searches/${id}/run`, { size: 1000, ...body })).json()
  ids.push(...page.events.map((e: { id: string }) => e.id))
  while (page.cursor !== null) {
    page = (await call(key, 'POST', '/v1/events/search', { cursor: page.cursor })).json()
    ids.push(...page.events.map((e: { id: string }) => e.id))
  }
  return ids.sort()
}
const expected = (pred: (s: Seeded) => boolean) => seeded.filter(pred).map(s => s.id).sort()

const input = {
  name: 'Large money movements from FR or DE',
  description: 'for the weekly review',
  query: 'event.action:(deposit or withdrawal)',
  filters: { country: ['FR', 'DE'], amount: { gte: 500 } },
  timeRange: { from: 'now-7d', to: 'now' },
  columns: ['@timestamp', 'user.id', 'audit.money.amount'],
  sort: [{ field: 'amount', order: 'desc' }],
  shared: true
}
const truth = (s: Seeded) => ['deposit', 'withdrawal'].includes(s.action) && ['FR', 'DE'].includes(s.country ?? '') && (s.amount ?? 0) >= 500 && s.time >= Date.now() - 7 * DAY

t.test('create, read, run, update with versions, delete', async t => {
  const created = await call(KEYS.read, 'POST', '/v1/saved-searches', input)
  t.equal(created.statusCode, 201, created.body)
  const s = created.json()
  t.match(s, { name: input.name, shared: true, tenant: null, owner: /^config-/ })
  t.ok(s.created_at && s.updated_at && s.version)
  t.equal(created.headers.etag, `"${s.version}"`)

  const got = await call(KEYS.read, 'GET', `/v1/saved-searches/${s.id}`)
  t.same(got.json(), s)
  const ids = await runAll(s.id)
  t.ok(ids.length > 0)
  t.same(ids, expected(truth), 'running gives exactly the matching events')
  const page = (await call(KEYS.read, 'POST', `/v1/saved-searches/${s.id}/run`, { size: 3 })).json()
  t.same(Object.keys(page.events[0].event).sort(), ['@timestamp', 'audit', 'event', 'user'], 'the columns are the projection')
  const amounts = page.events.map((e: { event: { audit: { money: { amount: number } } } }) => e.event.audit.money.amount)
  t.same(amounts, [...amounts].sort((a: number, b: number) => b - a), 'the saved sort applies')

  const override = await runAll(s.id, KEYS.read, { timeRange: { from: new Date(base - 2 * DAY).toISOString(), to: new Date(base).toISOString() } })
  t.same(override, expected(x => truth({ ...x, time: Date.now() }) && x.time >= base - 2 * DAY), 'the time range can be overridden')

  const updated = await call(KEYS.read, 'PUT', `/v1/saved-searches/${s.id}`, { ...input, name: 'Renamed' }, { 'if-match': got.headers.etag as string })
  t.equal(updated.statusCode, 200, updated.body)
  t.equal(updated.json().name, 'Renamed')
  t.not(updated.json().version, s.version)
  const stale = await call(KEYS.read, 'PUT', `/v1/saved-searches/${s.id}`, { ...input, name: 'Lost update' }, { 'if-match': got.headers.etag as string })
  t.equal(stale.statusCode, 409, 'a stale version is refused, never silently overwritten')
  t.equal((await call(KEYS.read, 'GET', `/v1/saved-searches/${s.id}`)).json().name, 'Renamed')
  t.equal((await call(KEYS.read, 'PUT', `/v1/saved-searches/${s.id}`, input)).statusCode, 400, 'If-Match is required')

  t.equal((await call(KEYS.read, 'DELETE', `/v1/saved-searches/${s.id}`, undefined, { 'if-match': `"${updated.json().version}"` })).statusCode, 204)
  t.equal((await call(KEYS.read, 'GET', `/v1/saved-searches/${s.id}`)).statusCode, 404)
})

t.test('bad saved searches get precise 400s', async t => {
  for (const [body, path] of [
    [{ ...input, query: 'event.action:(login or' }, '/query'],
    [{ ...input, filters: { ip: ['nope'] } }, '/filters/ip/0'],
    [{ ...input, columns: ['no.such.field'] }, '/columns/0'],
    [{ ...input, sort: [{ field: 'message' }] }, '/sort/0/field'],
    [{ ...input, timeRange: { from: 'last week' } }, '/timeRange/from'],
    [{ ...input, name: '' }, '/name'],
    [{ ...input, owner: 'me' }, '/owner']
  ] as const) {
    const res = await call(KEYS.read, 'POST', '/v1/saved-searches', body)
    t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 60))
    t.equal(res.json().errors?.[0]?.path, path)
  }
})

t.test('private, shared, and other tenants', async t => {
  const priv = (await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'mine', query: 'event.action:login', shared: false })).json()
  const shared = (await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'ours', query: 'event.action:login', shared: true })).json()
  t.equal(priv.tenant, 'brand-a')
  const names = (key: string) => call(key, 'GET', '/v1/saved-searches').then(r => r.json().savedSearches.map((s: { name: string }) => s.name).sort())
  t.same(await names(KEYS.aRead), ['mine', 'ours'])
  t.same(await names(KEYS.aMasked), ['ours'], 'another reader of the tenant sees the shared one only')
  t.same(await names(KEYS.bRead), [], 'another tenant sees none')
  t.equal((await call(KEYS.bRead, 'GET', `/v1/saved-searches/${shared.id}`)).statusCode, 404)
  t.equal((await call(KEYS.bRead, 'POST', `/v1/saved-searches/${shared.id}/run`, {})).statusCode, 404)
  t.equal((await call(KEYS.aMasked, 'PUT', `/v1/saved-searches/${shared.id}`, { name: 'x' }, { 'if-match': shared.version })).statusCode, 403, 'only the owner changes it')
  t.equal((await call(KEYS.aAdmin, 'PUT', `/v1/saved-searches/${shared.id}`, { name: 'fixed by admin', shared: true }, { 'if-match': shared.version })).statusCode, 200, 'or an admin of the tenant')
  const masked = (await call(KEYS.aMasked, 'POST', `/v1/saved-searches/${shared.id}/run`, {})).json()
  t.equal(masked.total, 0, 'the run is confined to the tenant (the seed is in the default tenant)')
})

t.test('a reader of masked data is not shown shared searches that name personal values', async t => {
  const personal = (await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'alice', query: 'user.email:"alice@example.com"', filters: { ip: ['81.2.69.142'] }, shared: true })).json()
  const plain = (await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'logins', query: 'event.action:login', shared: true })).json()
  const list = await call(KEYS.aMasked, 'GET', '/v1/saved-searches')
  const names = list.json().savedSearches.map((s: { name: string }) => s.name)
  t.ok(names.includes('logins') && !names.includes('alice'), names.join(', '))
  t.notMatch(list.body, /alice@example\.com|81\.2\.69\.142/)
  const one = await call(KEYS.aMasked, 'GET', `/v1/saved-searches/${personal.id as string}`)
  t.equal(one.statusCode, 403)
  t.notMatch(one.body, /alice@example\.com/)
  t.equal((await call(KEYS.aMasked, 'GET', `/v1/saved-searches/${plain.id as string}`)).statusCode, 200)
  const kibana = await call(KEYS.aMasked, 'GET', '/v1/saved-searches/kibana')
  t.equal(kibana.statusCode, 200)
  t.notMatch(kibana.body, /alice@example\.com|81\.2\.69\.142/, 'nor in the Kibana export')
  t.equal((await call(KEYS.aRead, 'GET', `/v1/saved-searches/${personal.id as string}`)).statusCode, 200, 'a reader in clear sees it')
})

t.test('Kibana saved objects: export, import, round trip keeps the meaning', async t => {
  const created = (await call(KEYS.read, 'POST', '/v1/saved-searches', { ...input, name: 'round trip' })).json()
  const exported = await call(KEYS.read, 'GET', '/v1/saved-searches/kibana')
  t.equal(exported.statusCode, 200)
  t.match(exported.headers['content-type'], /application\/x-ndjson/)
  const lines = exported.body.trim().split('\n').map(l => JSON.parse(l))
  t.equal(lines[0].type, 'index-pattern')
  t.equal(lines[0].attributes.title, `${stack.config.indexPrefix}-events`)
  const obj = lines.find(l => l.id === created.id)
  t.equal(obj.type, 'search')
  t.equal(JSON.parse(obj.attributes.kibanaSavedObjectMeta.searchSourceJSON).query.language, 'kuery')
  t.match(lines.at(-1), { exportedCount: lines.length - 1 })

  const imported = await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', exported.body, { 'content-type': 'application/x-ndjson' })
  t.equal(imported.statusCode, 200, imported.body)
  const report = imported.json()
  const back = report.imported.find((i: { sourceId: string }) => i.sourceId === created.id)
  t.ok(back, 'the search came back')
  t.match(report.skipped, [{ type: 'index-pattern' }])
  t.same(await runAll(back.id), await runAll(created.id), 'the imported search finds exactly the same events')
  t.same(await runAll(back.id), expected(truth))
})

t.test('a Kibana export with what cannot be translated: refused line by line, and nothing is imported', async t => {
  const source = (query: object, filter: object[] = []) => JSON.stringify({ query, filter, indexRefName: 'kibanaSavedObjectMeta.searchSourceJSON.index' })
  const ok = { id: 's-ok', type: 'search', attributes: { title: 'Failed logins, not FR', columns: ['user.id'], sort: [['@timestamp', 'desc']], timeRestore: true, timeRange: { from: 'now-30d', to: 'now' },
    kibanaSavedObjectMeta: { searchSourceJSON: source({ query: 'event.action:login', language: 'kuery' }, [
      { meta: { type: 'phrase', key: 'event.outcome', params: { query: 'failure' } } },
      { meta: { type: 'phrase', key: 'source.geo.country_iso_code', params: { query: 'FR' }, negate: true } }
    ]) } }, references: [] }
  const dataView = { id: 'dv1', type: 'index-pattern', attributes: { title: 'logs-*' }, references: [] }
  const summary = { exportedCount: 5, missingRefCount: 0, missingReferences: [] }
  const ndjson = [
    dataView,
    ok,
    { id: 's-lucene', type: 'search', attributes: { title: 'Lucene', kibanaSavedObjectMeta: { searchSourceJSON: source({ query: 'user.id:u* AND NOT x', language: 'lucene' }) } }, references: [] },
    { id: 's-dsl', type: 'search', attributes: { title: 'Custom DSL', kibanaSavedObjectMeta: { searchSourceJSON: source({ query: '', language: 'kuery' }, [{ meta: { type: 'custom' }, query: { regexp: { 'user.id': '.*' } } }]) } }, references: [] },
    { id: 's-field', type: 'search', attributes: { title: 'Unknown field', kibanaSavedObjectMeta: { searchSourceJSON: source({ query: 'host.name:web-1', language: 'kuery' }) } }, references: [] },
    summary
  ].map(o => JSON.stringify(o)).join('\n')
  const before = (await call(KEYS.read, 'GET', '/v1/saved-searches')).json().savedSearches.length
  const res = await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', ndjson, { 'content-type': 'application/x-ndjson' })
  t.equal(res.statusCode, 400, res.body)
  t.match(res.json().message, /nothing was imported/)
  t.match(res.json().errors, [
    { index: 3, path: '/attributes/kibanaSavedObjectMeta/searchSourceJSON/query/language', message: /lucene, not KQL/ },
    { index: 4, path: '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter/0', message: /custom has no KQL equivalent/ },
    { index: 5, path: '/', message: /unknown field "host.name"/ }
  ])
  t.equal((await call(KEYS.read, 'GET', '/v1/saved-searches')).json().savedSearches.length, before, 'the good line before them was not saved')

  const fixed = [dataView, ok, summary].map(o => JSON.stringify(o)).join('\n')
  const r = (await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', fixed, { 'content-type': 'application/x-ndjson' })).json()
  t.same(r.imported.map((i: { sourceId: string }) => i.sourceId), ['s-ok'])
  t.same(r.skipped.map((i: { sourceId: string }) => i.sourceId), ['dv1'])
  t.same(await runAll(r.imported[0].id), expected(s => s.action === 'login' && s.outcome === 'failure' && s.country !== 'FR' && s.time >= Date.now() - 30 * DAY))
})

t.test('malformed Kibana files get 400s naming the line and the field, never 500s, and save nothing', async t => {
  const good = JSON.stringify({ id: 'g', type: 'search', attributes: { title: 'good', kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify({ query: { query: 'event.action:login', language: 'kuery' } }) } } })
  const search = (attributes: object) => JSON.stringify({ id: 'x', type: 'search', attributes: { title: 't', ...attributes } })
  const src = (source: unknown) => ({ kibanaSavedObjectMeta: { searchSourceJSON: JSON.stringify(source) } })
  const cases: Array<[string, string, RegExp]> = [
    ['null', '/', /must be a JSON object/],
    [JSON.stringify({ id: 'x', type: 'search', attributes: { kibanaSavedObjectMeta: {} } }), '/attributes/title', /is required/],
    [JSON.stringify({ id: 'x', type: 'search', attributes: { title: 5 } }), '/attributes/title', /non-empty string/],
    [search({ kibanaSavedObjectMeta: { searchSourceJSON: null } }), '/attributes/kibanaSavedObjectMeta/searchSourceJSON', /must be a string/],
    [search(src(null)), '/attributes/kibanaSavedObjectMeta/searchSourceJSON', /must hold a JSON object/],
    [search(src({ filter: { meta: {} } })), '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter', /must be an array/],
    [search(src({ filter: [null] })), '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter/0', /filter object/],
    [search({ columns: 'abc' }), '/attributes/columns', /array of field names/],
    [search({ sort: 'x' }), '/attributes/sort', /pairs/],
    [search({ sort: [null, 'x'] }), '/attributes/sort/0', /pair/],
    [search(src({ filter: [{ meta: { type: 'phrases', key: 'user.id', params: [{ a: 1 }] } }] })), '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter/0/meta/params/0', /string or a number/],
    [search(src({ filter: [{ meta: { type: 'phrase', key: 'user.id:x or user.id', params: { query: 'a' } } }] })), '/attributes/kibanaSavedObjectMeta/searchSourceJSON/filter/0/meta/key', /not a field of the audit events/],
    ['{"type":', '/', /not JSON/]
  ]
  const before = (await call(KEYS.read, 'GET', '/v1/saved-searches')).json().savedSearches.length
  for (const [line, path, why] of cases) {
    const res = await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', `${good}\n\n${line}\n`, { 'content-type': 'application/x-ndjson' })
    t.equal(res.statusCode, 400, line.slice(0, 80))
    t.match(res.json().errors, [{ index: 3, path, message: why }], `line 3: ${path}`)
  }
  t.equal((await call(KEYS.read, 'GET', '/v1/saved-searches')).json().savedSearches.length, before, 'the good first line was never saved')

  const many = await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', Array(1002).fill(good).join('\n'), { 'content-type': 'application/x-ndjson' })
  t.equal(many.statusCode, 400)
  t.match(many.json().errors, [{ path: '/', message: /at most 1000 saved objects/ }])
  const json = await call(KEYS.read, 'POST', '/v1/saved-searches/kibana', { objects: [] })
  t.equal(json.statusCode, 400)
  t.notMatch(json.json().message, /event/, 'the content-type error speaks of the import')
  t.match(json.json().errors, [{ message: /Content-Type: application\/x-ndjson/ }])
})

t.test('versions sent in If-Match are checked before they reach the store', async t => {
  const s = (await call(KEYS.read, 'POST', '/v1/saved-searches', { name: 'versioned' })).json()
  for (const version of ['"99999999999999999999.1"', '"1.99999999999999999999"', '"1.0"', '"abc"', '"-1.1"']) {
    const put = await call(KEYS.read, 'PUT', `/v1/saved-searches/${s.id}`, { name: 'y' }, { 'if-match': version })
    t.equal(put.statusCode, 400, `PUT If-Match: ${version}`)
    t.match(put.json(), { errors: [{ path: '/headers/if-match', message: /a version this service issued/ }] })
    t.notMatch(put.body, /exception|long parameter/)
    const del = await call(KEYS.read, 'DELETE', `/v1/saved-searches/${s.id}`, undefined, { 'if-match': version })
    t.equal(del.statusCode, 400, `DELETE If-Match: ${version}`)
  }
  t.equal((await call(KEYS.read, 'GET', `/v1/saved-searches/${s.id}`)).json().name, 'versioned')
})

t.test('saved time ranges are real dates', async t => {
  for (const [timeRange, path, why] of [
    [{ from: '2026-02-30' }, '/timeRange/from', /February 2026 has 28 days/],
    [{ from: 'now-1d', to: '2026-01-01T23:59:60Z' }, '/timeRange/to', /leap second/],
    [{ from: 'now-1d', timeZone: 'europe/paris' }, '/timeRange/timeZone', /case-sensitive/]
  ] as const) {
    const res = await call(KEYS.read, 'POST', '/v1/saved-searches', { name: 'dates', timeRange })
    t.equal(res.statusCode, 400)
    t.match(res.json().errors, [{ path, message: why }])
  }
})

t.test('a saved grouping is checked as the grouping route checks it, for every key', async t => {
  for (const [key, grouping, path, why] of [
    [KEYS.read, { by: 'nope' }, '/grouping/by', /unknown field "nope"/],
    [KEYS.read, { by: 'constructor' }, '/grouping/by', /unknown field "constructor"/],
    [KEYS.read, { by: 'message' }, '/grouping/by', /cannot group by "message"/],
    [KEYS.read, { by: 'date', interval: 'fortnight' }, '/grouping/interval', /must be one of minute/],
    [KEYS.aMasked, { by: 'constructor' }, '/grouping/by', /unknown field "constructor"/],
    [KEYS.aMasked, { by: 'user.email' }, '/grouping/by', /masked for this key/]
  ] as const) {
    const res = await call(key, 'POST', '/v1/saved-searches', { name: 'grouped', grouping })
    t.equal(res.statusCode, 400, `${grouping.by}: ${res.body.slice(0, 200)}`)
    t.match(res.json().errors, [{ path, message: why }])
  }
})

t.test('a saved search runs its grouping', async t => {
  const s = (await call(KEYS.read, 'POST', '/v1/saved-searches', { name: 'by country', query: 'audit.category:money', grouping: { by: 'country' }, timeRange: { from: 'now-30d' } })).json()
  const res = await call(KEYS.read, 'POST', `/v1/saved-searches/${s.id}/groups`, {})
  t.equal(res.statusCode, 200, res.body)
  const counts: Record<string, number> = {}
  for (const x of seeded) if (x.category === 'money' && x.country !== undefined && x.time >= Date.now() - 30 * DAY) counts[x.country] = (counts[x.country] ?? 0) + 1
  const got = Object.fromEntries(res.json().groups.map((g: { key: string, count: number }) => [g.key, g.count]))
  t.same(got, counts, 'group counts match the seed')
  const byAction = await call(KEYS.read, 'POST', `/v1/saved-searches/${s.id}/groups`, { grouping: { by: 'action' } })
  t.same(byAction.json().groups.map((g: { key: string }) => g.key).sort(), ['deposit', 'withdrawal'])
  const none = (await call(KEYS.read, 'POST', '/v1/saved-searches', { name: 'no grouping' })).json()
  t.equal((await call(KEYS.read, 'POST', `/v1/saved-searches/${none.id}/groups`, {})).statusCode, 400)
})

t.test('a saved search exports its events with its columns', async t => {
  const s = (await call(KEYS.read, 'POST', '/v1/saved-searches', { ...input, name: 'export me' })).json()
  const res = await call(KEYS.admin, 'POST', `/v1/saved-searches/${s.id}/export`, { format: 'csv' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const lines = res.body.trim().split('\r\n')
  // A leading @ would start a formula in a spreadsheet: the header is neutralised like any text.
  t.equal(lines[0], "'@timestamp,user.id,audit.money.amount", 'the saved columns are the header')
  t.equal(lines.length - 1, expected(truth).length, 'one row per matching event')
  t.equal(res.headers['x-export-total'], String(expected(truth).length))
  t.equal((await call(KEYS.read, 'POST', `/v1/saved-searches/${s.id}/export`, { format: 'csv' })).statusCode, 403, 'exports need the export scope')
  t.equal((await call(KEYS.bRead, 'POST', `/v1/saved-searches/${s.id}/export`, { format: 'csv' })).statusCode, 404, 'another tenant cannot reach it')
})
