import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { unzip } from '../unit/export/read-files.ts'

// A masked key must learn nothing of a masked value beyond its masked form: not through queries, filters,
// sorts or groupings, and not through cursors. Cursors work only for the key that opened them.

let stack: Stack
let maskedExporter: string
type Method = 'GET' | 'POST'
const call = async (key: string, method: Method, url: string, payload?: object) =>
  await stack.api.app.inject({ method, url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
const search = async (key: string, body: object) => await call(key, 'POST', '/v1/events/search', body)

const PEOPLE = [
  { id: 'a-1', tenant: 'brand-a', user: 'ua1', email: 'alice.smith@example.com', name: 'Alice Smith', ip: '81.2.69.142' },
  { id: 'a-2', tenant: 'brand-a', user: 'ua2', email: 'bob.jones@example.com', name: 'Bob Jones', ip: '81.2.69.7' },
  { id: 'a-3', tenant: 'brand-a', user: 'ua3', email: 'carol@example.com', name: 'Carol King', ip: '88.198.1.1' },
  { id: 'b-1', tenant: 'brand-b', user: 'ub1', email: 'dave@example.com', name: 'Dave Ray', ip: '8.8.8.8' },
  { id: 'b-2', tenant: 'brand-b', user: 'ub2', email: 'erin@example.com', name: 'Erin Lee', ip: '8.8.4.4' }
]

t.before(async () => {
  stack = await startStack(t)
  const events = PEOPLE.map(p => ({
    event: { id: p.id, action: 'login', outcome: 'success', reason: `sign-in of ${p.email}` },
    message: `login of ${p.email} from ${p.ip}`,
    user: { id: p.user, email: p.email, name: p.name },
    source: { ip: p.ip },
    audit: { session: { id: `s-${p.user}` }, tenant: p.tenant }
  }))
  const seeded = await call(KEYS.ingest, 'POST', '/v1/events', { events })
  if (seeded.statusCode !== 202) throw new Error(seeded.body)
  await stack.waitForCount(PEOPLE.length)
  const created = await call(KEYS.admin, 'POST', '/v1/api-keys', { name: 'masked exporter', scopes: ['read:masked', 'export'], tenant: 'brand-a' })
  if (created.statusCode !== 201) throw new Error(created.body)
  maskedExporter = created.json().key as string
})

const messages = (res: { json: () => { errors?: Array<{ message: string }> } }): string => (res.json().errors ?? []).map(e => e.message).join(' | ')

t.test('masked keys cannot query, filter, sort or group on masked fields in clear', async t => {
  const refused = async (res: Awaited<ReturnType<typeof call>>, field: string, what: string): Promise<void> => {
    t.equal(res.statusCode, 400, `${what}: ${res.body.slice(0, 300)}`)
    t.match(messages(res), `"${field}" is masked for this key`, `${what}: the answer names the field`)
    t.notOk('total' in res.json(), `${what}: no total`)
  }
  const searches: Array<[object, string]> = [
    [{ query: 'user.email:alice.s*' }, 'user.email'],
    [{ query: 'user.email:"alice.smith@example.com"' }, 'user.email'],
    [{ query: 'event.action:login and (user.name:Alice* or user.name.text:smith)' }, 'user.name'],
    [{ query: 'user.name.text:smith' }, 'user.name.text'],
    [{ query: 'source.ip:81.2.69.142' }, 'source.ip'],
    [{ query: 'source.ip:81.2.69.128/25' }, 'source.ip'],
    [{ query: 'source.ip >= 81.2.69.100' }, 'source.ip'],
    [{ query: 'related.ip:81.2.69.142' }, 'related.ip'],
    [{ filters: { ip: ['81.2.69.142'] } }, 'source.ip'],
    [{ filters: { ip: ['81.2.69.0/24', '81.2.69.128/25'] } }, 'source.ip'],
    [{ sort: [{ field: 'user.email', order: 'asc' }] }, 'user.email'],
    [{ sort: [{ field: 'time' }, { field: 'source.ip' }] }, 'source.ip'],
    [{ query: 'alice.smith' }, 'message'],
    [{ query: 'message:alice' }, 'message'],
    [{ query: 'event.reason.keyword:sign-in*' }, 'event.reason.keyword'],
    [{ filters: { text: 'alice' } }, 'message']
  ]
  for (const [body, field] of searches) await refused(await search(KEYS.aMasked, body), field, `search ${JSON.stringify(body)}`)

  // The same searches work in clear for a key that reads in clear.
  t.equal((await search(KEYS.aRead, { query: 'user.email:alice.s*' })).json().total, 1)
  t.equal((await search(KEYS.aRead, { filters: { ip: ['81.2.69.142'] } })).json().total, 1)
  t.equal((await search(KEYS.aRead, { query: 'alice.smith' })).json().total, 1)
  const byEmail = (await search(KEYS.aRead, { sort: [{ field: 'user.email', order: 'asc' }] })).json()
  t.same(byEmail.events.map((e: { id: string }) => e.id), ['a-1', 'a-2', 'a-3'])

  // What reveals no more than the masked form stays open to masked keys.
  const total = async (body: object): Promise<number> => {
    const res = await search(KEYS.aMasked, body)
    t.equal(res.statusCode, 200, `${JSON.stringify(body)}: ${res.body.slice(0, 300)}`)
    return res.json().total
  }
  t.equal(await total({ filters: { ip: ['81.2.69.0/24'] } }), 2, 'a /24 block is as coarse as the masked form')
  t.equal(await total({ query: 'source.ip:81.0.0.0/8 or related.ip:"2a01:e0a::/32"' }), 2)
  t.equal(await total({ query: 'user.email:* and not audit.actor.name:*' }), 3, 'presence shows in the masked form too')
  t.equal(await total({ query: 'event.action:login and user.id:ua1', sort: [{ field: 'user.id' }] }), 1)

  // Every other way in.
  await refused(await call(KEYS.aMasked, 'GET', '/v1/events?q=user.email:alice*'), 'user.email', 'GET /v1/events q')
  await refused(await call(KEYS.aMasked, 'GET', '/v1/events?ip=81.2.69.142'), 'source.ip', 'GET /v1/events ip')
  await refused(await call(KEYS.aMasked, 'GET', '/v1/events?sort=user.email'), 'user.email', 'GET /v1/events sort')
  await refused(await call(KEYS.aMasked, 'GET', '/v1/users/ua1/timeline?q=user.email:alice*'), 'user.email', 'timeline')
  await refused(await call(KEYS.aMasked, 'GET', '/v1/sessions/s-ua1/events?sort=source.ip'), 'source.ip', 'session events')

  const aggregate = async (key: string, body: object) => await call(key, 'POST', '/v1/events/aggregate', body)
  await refused(await aggregate(KEYS.aMasked, { groupBy: [{ field: 'user.email' }] }), 'user.email', 'group by email')
  await refused(await aggregate(KEYS.aMasked, { groupBy: [{ field: 'source.ip', size: 100 }] }), 'source.ip', 'group by address')
  await refused(await aggregate(KEYS.aMasked, { groupBy: [{ field: 'category' }, { field: 'user.name' }], page: { size: 10 } }), 'user.name', 'paged groups')
  await refused(await aggregate(KEYS.aMasked, { groupBy: [{ field: 'category' }], query: 'user.email:alice*' }), 'user.email', 'aggregate KQL')
  const groups = await aggregate(KEYS.aRead, { groupBy: [{ field: 'user.email' }] })
  t.equal(groups.statusCode, 200)
  t.equal(groups.json().groups.length, 3, 'a clear key groups on emails')

  for (const [url, body] of [
    ['/v1/analytics/period-summary', { filters: { period: { from: 'now-1d', to: 'now' } }, query: 'user.email:alice*' }],
    ['/v1/analytics/top-events', { filters: { ip: ['81.2.69.142'] } }],
    ['/v1/analytics/risky-users', { query: 'source.ip:81.2.69.142' }],
    ['/v1/behaviour/funnel', { steps: [['login'], ['logout']], query: 'user.email:alice*' }],
    ['/v1/signals/failed-logins', { query: 'user.email:alice*' }]
  ] as const) {
    const res = await call(KEYS.aMasked, 'POST', url, body)
    t.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 300)}`)
    t.match(messages(res), /is masked for this key/, url)
  }
  await refused(await call(KEYS.aMasked, 'POST', '/v1/signals/failed-logins', { by: 'ip' }), 'source.ip', 'failed sign-ins per address')
  await refused(await call(KEYS.aMasked, 'POST', '/v1/signals/shared-device', { by: 'ip' }), 'source.ip', 'accounts per address')
  t.equal((await call(KEYS.aMasked, 'POST', '/v1/signals/shared-device', {})).statusCode, 200, 'shared devices stay open')

  // Saved searches: a shared search in clear does not run in clear for a masked key, nor group on a masked field.
  const shared = await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'alice', query: 'user.email:alice*', shared: true })
  t.equal(shared.statusCode, 201, shared.body.slice(0, 300))
  await refused(await call(KEYS.aMasked, 'POST', `/v1/saved-searches/${shared.json().id}/run`, {}), 'user.email', 'saved search run')
  t.equal((await call(KEYS.aRead, 'POST', `/v1/saved-searches/${shared.json().id}/run`, {})).json().total, 1)
  const plain = await call(KEYS.aRead, 'POST', '/v1/saved-searches', { name: 'logins', query: 'event.action:login', shared: true })
  await refused(await call(KEYS.aMasked, 'POST', `/v1/saved-searches/${plain.json().id}/groups`, { grouping: { by: 'source.ip' } }), 'source.ip', 'saved search groups')
  await refused(await call(KEYS.aMasked, 'POST', '/v1/saved-searches', { name: 'mine', query: 'user.email:bob*' }), 'user.email', 'saving a search')

  // Exports and evidence packs, streamed or queued.
  await refused(await call(maskedExporter, 'POST', '/v1/exports', { format: 'csv', query: 'user.email:alice*' }), 'user.email', 'CSV export')
  await refused(await call(maskedExporter, 'POST', '/v1/exports', { format: 'ndjson', sort: [{ field: 'user.email' }] }), 'user.email', 'NDJSON export')
  await refused(await call(maskedExporter, 'POST', '/v1/exports', { format: 'pdf', filters: { ip: ['81.2.69.142'] } }), 'source.ip', 'PDF report')
  await refused(await call(maskedExporter, 'POST', '/v1/evidence-packs', { query: 'user.name:"Alice Smith"' }), 'user.name', 'evidence pack')
  await refused(await call(maskedExporter, 'POST', `/v1/saved-searches/${shared.json().id}/export`, { format: 'csv' }), 'user.email', 'saved search export')
  const clear = await call(KEYS.aRead, 'POST', '/v1/exports', { format: 'csv', query: 'user.email:alice*', columns: ['event.id'] })
  t.equal(clear.statusCode, 200, clear.body.slice(0, 300))
  t.equal(clear.headers['x-export-total'], '1')
})

t.test('no integrity proof reaches a masked key: its hashes commit to the clear event, a guess of a masked value could be checked against them', async t => {
  const urls = ['/v1/integrity/proof/a-1', '/v1/integrity/consistency?from=1&to=2', '/v1/integrity/consistency?from=1&format=witness',
    '/v1/integrity/checkpoint', '/v1/integrity/checkpoint?format=note', '/v1/integrity/checkpoints']
  for (const url of urls) {
    const res = await call(KEYS.aMasked, 'GET', url)
    t.equal(res.statusCode, 403, url)
    t.match(res.json().message, /for keys that read clear data/)
    t.not((await call(KEYS.aRead, 'GET', url)).statusCode, 403, `${url}: a clear key is not refused`)
  }
  const res = await call(maskedExporter, 'POST', '/v1/evidence-packs', { userId: 'ua1' })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const files = await unzip(res.rawPayload)
  t.same([...files.keys()].filter(p => p.startsWith('integrity/')), [], 'a masked pack holds no proofs')
  const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString()) as { masked: boolean, events: number, integrity: { proofs: number, note: string } }
  t.match(manifest, { masked: true, events: 1, integrity: { proofs: 0, note: /personal data masked holds no proofs/ } })
  t.notOk((files.get('events.ndjson') as Buffer).toString().includes('81.2.69.142'), 'and its events are masked')
})

t.test('cursors show nothing and work only for the key that opened them', async t => {
  const first = await search(KEYS.aRead, { sort: [{ field: 'user.email', order: 'asc' }], size: 1 })
  t.equal(first.statusCode, 200, first.body.slice(0, 300))
  const cursor = first.json().cursor as string
  t.ok(cursor)
  for (const part of cursor.split('.')) {
    const readable = Buffer.from(part, 'base64url').toString('latin1')
    t.notMatch(readable, /example\.com|alice|user\.email|"pit"|brand-a/, 'no part of the cursor decodes to its content')
  }

  for (const [key, who] of [[KEYS.bRead, 'another tenant'], [KEYS.read, 'a platform key'], [KEYS.aMasked, 'a masked key of the same tenant']] as const) {
    const replayed = await search(key, { cursor })
    t.equal(replayed.statusCode, 400, `${who}: ${replayed.body.slice(0, 300)}`)
    t.match(replayed.json(), { errors: [{ path: '/cursor', message: 'this cursor was opened by another API key' }] }, who)
    t.notOk('total' in replayed.json() || 'events' in replayed.json(), `${who}: nothing of the search`)
  }
  const next = await search(KEYS.aRead, { cursor })
  t.equal(next.statusCode, 200, 'the owner\'s point in time is still open')
  t.same(next.json().events.map((e: { id: string }) => e.id), ['a-2'])

  // The case: a platform key's cursor, replayed with a key of a tenant that has none of its events,
  // answered that tenant's total and closed the point in time under its owner.
  const platform = await search(KEYS.read, { query: 'user.id:(ua1 or ua2)', size: 1 })
  const stolen = await search(KEYS.bRead, { cursor: platform.json().cursor })
  t.equal(stolen.statusCode, 400, stolen.body.slice(0, 300))
  t.notOk('total' in stolen.json())
  const own = await search(KEYS.read, { cursor: platform.json().cursor })
  t.equal(own.statusCode, 200, own.body.slice(0, 300))
  t.equal(own.json().events.length, 1)
  t.equal(own.json().total, 2)
})
