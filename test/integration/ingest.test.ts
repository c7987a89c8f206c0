import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { IPS, makeBatch, makeEvent, UA } from '../helpers/events.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import type { StoredEvent } from '../../src/events/schema.ts'

t.test('events posted over HTTP are searchable, enriched, and written once', async t => {
  const stack = await startStack(t)
  const { app } = stack.api
  const alias = eventsAlias(stack.config.indexPrefix)

  const one = {
    '@timestamp': new Date().toISOString(),
    event: { id: 'evt-login-1', action: 'login', outcome: 'success' },
    user: { id: 'u-77', email: 'ana@example.com' },
    source: { ip: IPS.london },
    user_agent: { original: UA.safariIphone },
    audit: { session: { id: 's-1' }, tenant: 'brand-a' }
  }
  const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: one })
  t.equal(res.statusCode, 202, res.body)
  t.same(res.json(), { ids: ['evt-login-1'] })

  const batch = makeBatch('dup', 0, 200)
  const first = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: batch })
  t.equal(first.statusCode, 202)
  t.equal(first.json().ids.length, 200)
  // The same batch again, as a client retrying after a timeout would.
  const again = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: batch })
  t.equal(again.statusCode, 202)

  t.equal(await stack.waitForCount(201), 201)
  // Let the second copy finish its trip through the queue before counting again.
  const marker = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeEvent('marker', 0) })
  t.equal(marker.statusCode, 202)
  t.equal(await stack.waitForCount(202), 202, 'duplicates are written once')
  const settings = await stack.es.indices.getSettings({ index: eventsAlias(stack.config.indexPrefix), name: 'index.sort.*', flat_settings: true })
  t.ok(Object.values(settings).length > 0 && Object.values(settings).every(s => s.settings?.['index.sort.field'] === '@timestamp' && s.settings?.['index.sort.order'] === 'desc'), 'partitions are created sorted by time on disk')

  const found = await stack.es.search<StoredEvent>({ index: alias, query: { term: { 'event.id': 'evt-login-1' } } })
  t.equal(found.hits.hits.length, 1)
  const doc = found.hits.hits[0]?._source as StoredEvent
  t.equal(doc.source?.geo?.country_iso_code, 'GB')
  t.equal(doc.source?.geo?.city_name, 'St Albans')
  t.ok(doc.source?.geo?.location, 'location present')
  t.equal(doc.user_agent?.name, 'Mobile Safari')
  t.equal(doc.user_agent?.os?.name, 'iOS')
  t.equal(doc.audit.device.type, 'mobile')
  t.equal(doc.audit.category, 'authentication')
  t.equal(doc.audit.tenant, 'brand-a')
  t.match(found.hits.hits[0]?._index, new RegExp(`^${stack.config.indexPrefix}-events-security-\\d{4}\\.\\d{2}\\.01$`))

  // Geo fields are mapped for queries: a geo_distance around London finds the event.
  const near = await stack.es.count({ index: alias, query: { bool: { filter: [
    { term: { 'event.id': 'evt-login-1' } },
    { geo_distance: { distance: '50km', 'source.geo.location': { lat: 51.5, lon: -0.12 } } }
  ] } } })
  t.equal(near.count, 1)

  const perId = await stack.es.search({ index: alias, size: 0, query: { prefix: { 'event.id': 'dup-' } }, aggs: { ids: { terms: { field: 'event.id', size: 500, min_doc_count: 2 } } } })
  t.same((perId.aggregations?.ids as { buckets: unknown[] }).buckets, [], 'no id is stored twice')
})

t.test('late events land in the partition of their own month', async t => {
  const stack = await startStack(t)
  const now = new Date()
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 12))
  const events = [makeEvent('late', 0, lastMonth), makeEvent('late', 1, now)]
  events[0]!.event = { id: 'late-0', action: 'deposit' }
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
  t.equal(res.statusCode, 202, res.body)
  await stack.waitForCount(2)
  const hits = await stack.es.search({ index: eventsAlias(stack.config.indexPrefix), query: { prefix: { 'event.id': 'late-' } }, sort: [{ 'event.id': 'asc' }] })
  const month = (d: Date) => `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.01`
  t.equal(hits.hits.hits[0]?._index, `${stack.config.indexPrefix}-events-financial-${month(lastMonth)}`)
  t.ok(hits.hits.hits[1]?._index?.endsWith(month(now)))
})

t.test('bad events: precise 400, nothing of the request is queued', async t => {
  const stack = await startStack(t)
  const { app } = stack.api
  const good = makeEvent('rejected', 0)
  const res = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers: auth(KEYS.ingest),
    payload: { events: [good, { event: { action: 'login', outcome: 'perhaps' }, user: { id: 'u' }, source: { ip: '300.1.1.1' } }, { event: { action: 'x' } }] }
  })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.match(body.message, /nothing was accepted/)
  t.same(body.errors.map((e: { index: number, path: string }) => `${e.index}${e.path}`).sort(), ['1/event/outcome', '1/source/ip', '2/user'])

  const tooMany = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeBatch('big', 0, 1001) })
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json().errors, [{ path: '/events', message: 'holds 1001 events; at most 1000 per request' }])

  const notJson = await app.inject({ method: 'POST', url: '/v1/events', headers: { ...auth(KEYS.ingest), 'content-type': 'application/json' }, payload: '{"event":' })
  t.equal(notJson.statusCode, 400)

  const huge = await app.inject({ method: 'POST', url: '/v1/events', headers: { ...auth(KEYS.ingest), 'content-type': 'application/json' }, payload: JSON.stringify({ events: [{ message: 'x'.repeat(stack.config.bodyLimitBytes) }] }) })
  t.equal(huge.statusCode, 413)

  // A later valid event is indexed; the valid event of the refused request never is.
  await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeEvent('after', 0) })
  t.equal(await stack.waitForCount(1), 1)
  const leaked = await stack.es.count({ index: eventsAlias(stack.config.indexPrefix), query: { term: { 'event.id': 'rejected-0' } } })
  t.equal(leaked.count, 0)
})

t.test('API keys: 401 without, 403 with the wrong scope', async t => {
  const stack = await startStack(t, { worker: false })
  const { app } = stack.api
  const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/v1/events', headers, payload: makeEvent('auth', 0) })
  t.equal((await post({})).statusCode, 401)
  t.equal((await post({ authorization: 'Bearer x' })).statusCode, 401)
  t.equal((await post(auth('not-a-configured-key-000'))).statusCode, 401)
  const wrong = await post(auth(KEYS.read))
  t.equal(wrong.statusCode, 403)
  t.match(wrong.json().message, /"ingest" scope/)
  t.equal((await post(auth(KEYS.admin))).statusCode, 202, 'admin may ingest')
  t.equal((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'probes are public')
})

t.test('backpressure: a full queue answers 429 with Retry-After and accepts nothing', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_QUEUE_MAX_JOBS: '2' } })
  const { app } = stack.api
  const post = (i: number) => app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: makeEvent('bp', i) })
  t.equal((await post(0)).statusCode, 202)
  await new Promise(resolve => setTimeout(resolve, 300)) // past the depth cache
  t.equal((await post(1)).statusCode, 202)
  await new Promise(resolve => setTimeout(resolve, 300))
  const full = await post(2)
  t.equal(full.statusCode, 429)
  t.ok(Number(full.headers['retry-after']) >= 1)
  t.match(full.json().message, /queue holds 2 batches/)
})

t.test('a document Elasticsearch refuses goes to the dead-letter index with the reason', async t => {
  const stack = await startStack(t)
  const now = new Date()
  // Mapping drift: the month's partition was created by hand with user.id as a number.
  const index = `${stack.config.indexPrefix}-events-security-${now.getUTCFullYear()}.${String(now.getUTCMonth() + 1).padStart(2, '0')}.01`
  await stack.es.indices.create({ index, mappings: { properties: { user: { properties: { id: { type: 'long' } } } } } })
  const res = await stack.api.app.inject({
    method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest),
    payload: { events: [{ event: { id: 'drift-1', action: 'login' }, user: { id: 'not-a-number' } }, { event: { id: 'fine-1', action: 'login' }, user: { id: '42' } }] }
  })
  t.equal(res.statusCode, 202)
  t.equal(await stack.waitForCount(1), 1)
  const dead = `${stack.config.indexPrefix}-deadletter`
  let letter: { event_id: string, error_type: string, reason: string, target_index: string, raw: StoredEvent } | undefined
  for (let i = 0; i < 100 && letter === undefined; i++) {
    await stack.es.indices.refresh({ index: dead })
    letter = (await stack.es.search<typeof letter>({ index: dead, query: { term: { event_id: 'drift-1' } } })).hits.hits[0]?._source
    if (letter === undefined) await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.ok(letter, 'dead letter stored')
  t.equal(letter?.target_index, index)
  t.match(letter?.error_type, /parsing_exception|mapper/)
  t.equal(letter?.raw.user.id, 'not-a-number', 'the raw event is kept whole')
})
