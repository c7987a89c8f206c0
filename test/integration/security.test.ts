import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { earlyInAMinute } from '../helpers/minute.ts'
import { IPS } from '../helpers/events.ts'
import { keysIndex } from '../../src/store/system/keys-store.ts'
import { accessIndex, backfillAccessIds } from '../../src/store/system/access-log.ts'

let stack: Stack
const post = async (key: string, payload: object) => await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload })
const search = async (key: string, body: object) => await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(key), payload: body })
const get = async (key: string, url: string) => await stack.api.app.inject({ method: 'GET', url, headers: auth(key) })

const event = (id: string, tenant: string | undefined, user: string) => ({
  event: { id, action: 'login', outcome: 'success' },
  message: `login of ${user}@example.com from ${IPS.london}`,
  user: { id: user, email: `${user}@example.com`, name: 'Ana Lima' },
  source: { ip: IPS.london },
  audit: { session: { id: `s-${user}` }, ...(tenant === undefined ? {} : { tenant }) }
})

t.before(async () => {
  stack = await startStack(t)
  const seeded = await post(KEYS.ingest, { events: [event('a-1', 'brand-a', 'ua1'), event('a-2', 'brand-a', 'ua2'), event('b-1', 'brand-b', 'ub1'), event('b-2', 'brand-b', 'ub2')] })
  if (seeded.statusCode !== 202) throw new Error(seeded.body)
  await stack.waitForCount(4)
})

t.test('a tenant key writes its own tenant only', async t => {
  const foreign = await post(KEYS.aIngest, { events: [event('a-3', undefined, 'ua3'), event('x-1', 'brand-b', 'ub9')] })
  t.equal(foreign.statusCode, 403)
  t.match(foreign.json().errors, [{ index: 1, path: '/audit/tenant' }])
  const own = await post(KEYS.aIngest, event('a-3', undefined, 'ua3'))
  t.equal(own.statusCode, 202)
  await stack.waitForCount(5)
  t.equal((await get(KEYS.read, '/v1/events/a-3')).json().audit.tenant, 'brand-a', 'stamped with the key\'s tenant')
  t.equal((await get(KEYS.read, '/v1/events/x-1')).statusCode, 404, 'nothing of the refused request was stored')
})

t.test('a tenant key reads its own tenant only, whatever it sends', async t => {
  const ids = async (key: string, body: object): Promise<string[]> => {
    const res = await search(key, { size: 100, ...body })
    t.equal(res.statusCode, 200, res.body)
    return res.json().events.map((e: { id: string }) => e.id).sort()
  }
  t.same(await ids(KEYS.aRead, {}), ['a-1', 'a-2', 'a-3'])
  t.equal((await search(KEYS.aRead, {})).headers['cache-control'], 'no-store', 'answers to a key are never cached')
  t.same(await ids(KEYS.bRead, {}), ['b-1', 'b-2'])
  t.same(await ids(KEYS.read, {}), ['a-1', 'a-2', 'a-3', 'b-1', 'b-2'], 'a platform key sees every tenant')
  for (const attempt of [
    { query: 'audit.tenant:brand-b' },
    { query: 'not audit.tenant:brand-a' },
    { query: 'audit.tenant:brand-b or event.action:login' },
    { filters: { tenant: ['brand-b'] } },
    { filters: { userId: ['ub1'] } },
    { query: 'user.id:ub1' }
  ]) {
    t.same((await ids(KEYS.aRead, attempt)).filter(id => id.startsWith('b-')), [], `no brand-b event through ${JSON.stringify(attempt)}`)
  }
  t.equal((await get(KEYS.aRead, '/v1/events/b-1')).statusCode, 404)
  t.equal((await get(KEYS.aRead, '/v1/users/ub1/timeline')).json().total, 0)
  t.equal((await get(KEYS.aRead, '/v1/sessions/s-ub1/events')).json().total, 0)
  t.equal((await get(KEYS.aRead, '/v1/events?tenant=brand-b')).json().total, 0)
  // A cursor issued to tenant B does not open tenant B to tenant A: it works for the key that opened it only.
  const first = (await search(KEYS.bRead, { size: 1 })).json()
  const resumed = await search(KEYS.aRead, { cursor: first.cursor })
  t.equal(resumed.statusCode, 400)
  t.notOk('events' in resumed.json() || 'total' in resumed.json())
})

t.test('read:masked sees personal data masked', async t => {
  const res = await search(KEYS.aMasked, { filters: { userId: ['ua1'] }, highlight: true })
  t.equal(res.statusCode, 200)
  const e = res.json().events[0].event
  t.equal(e.user.email, 'u***@example.com')
  t.equal(e.user.name, 'A*** L***')
  t.equal(e.source.ip, '81.2.69.x')
  t.same(e.related.ip, ['81.2.69.x'])
  t.equal(e.message, 'login of u***@example.com from 81.2.69.x')
  t.equal(e.user.id, 'ua1', 'pseudonymous ids stay')
  const one = (await get(KEYS.aMasked, '/v1/events/a-1')).json()
  t.equal(one.user.email, 'u***@example.com')
  t.notMatch(JSON.stringify(one), 'ua1@example.com')
  t.equal((await get(KEYS.aRead, '/v1/events/a-1')).json().user.email, 'ua1@example.com', 'full read sees the value')
})

t.test('managed keys: created, used, listed without secrets, revoked, rotated', async t => {
  const created = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.aAdmin), payload: { name: 'fraud desk', scopes: ['read'] } })
  t.equal(created.statusCode, 201, created.body)
  const { key, info } = created.json()
  t.match(key, /^sil_[0-9a-f]{16}_/)
  // The secret is everything after the id: base64url, so it may itself hold "_".
  const secret = key.slice('sil_'.length + 17) as string
  t.equal(secret.length, 43)
  t.equal(info.tenant, 'brand-a', 'a tenant admin creates keys of its tenant')
  t.same((await search(key, {})).json().events.map((e: { id: string }) => e.id).sort(), ['a-1', 'a-2', 'a-3'])

  const other = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.aAdmin), payload: { name: 'x', scopes: ['read'], tenant: 'brand-b' } })
  t.equal(other.statusCode, 403)
  const platform = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.admin), payload: { name: 'b ops', scopes: ['read'], tenant: 'brand-b' } })
  t.equal(platform.json().info.tenant, 'brand-b', 'a platform admin creates keys for any tenant')

  const listed = (await get(KEYS.aAdmin, '/v1/api-keys')).json().keys
  t.same(listed.map((k: { tenant: string }) => k.tenant), ['brand-a'], 'a tenant admin lists its own keys only')
  t.notOk(JSON.stringify(listed).includes(secret), 'the secret is listed nowhere')
  t.notOk('hash' in listed[0])
  await stack.es.indices.refresh({ index: keysIndex(stack.config.indexPrefix) })
  const stored = await stack.es.search({ index: keysIndex(stack.config.indexPrefix), size: 10 })
  t.notOk(JSON.stringify(stored.hits.hits).includes(secret), 'the key itself is stored nowhere')
  t.equal((await stack.api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${info.key_id}`, headers: auth(KEYS.bRead) })).statusCode, 403, 'revoking needs admin')
  t.equal((await stack.api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${platform.json().info.key_id}`, headers: auth(KEYS.aAdmin) })).statusCode, 404, 'another tenant\'s key is invisible')

  const rotated = await stack.api.app.inject({ method: 'POST', url: `/v1/api-keys/${info.key_id}/rotate`, headers: auth(KEYS.aAdmin) })
  t.equal(rotated.statusCode, 201)
  t.equal((await search(key, {})).statusCode, 401, 'the rotated key no longer works')
  const fresh = rotated.json().key
  t.equal((await search(fresh, {})).statusCode, 200)
  const revoked = await stack.api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${rotated.json().info.key_id}`, headers: auth(KEYS.aAdmin) })
  t.equal(revoked.statusCode, 200)
  t.ok(revoked.json().revoked_at)
  t.equal((await search(fresh, {})).statusCode, 401, 'a revoked key gets 401')

  // A rotated key revoked again keeps its revocation time and its successor.
  const again = await stack.api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${info.key_id}`, headers: auth(KEYS.aAdmin) })
  t.equal(again.statusCode, 200)
  t.match(again.json(), { replaced_by: rotated.json().info.key_id })
  // Two rotations at once: one key comes out of them.
  const twin = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.aAdmin), payload: { name: 'twin', scopes: ['read'] } })
  const twinId = twin.json().info.key_id as string
  const both = await Promise.all([0, 1].map(async () => await stack.api.app.inject({ method: 'POST', url: `/v1/api-keys/${twinId}/rotate`, headers: auth(KEYS.aAdmin) })))
  t.same(both.map(r => r.statusCode).sort(), [201, 409], 'one rotation wins, the other is told')
  const winner = both.find(r => r.statusCode === 201)?.json() as { key: string, info: { key_id: string } }
  const live = ((await stack.api.app.inject({ method: 'GET', url: '/v1/api-keys', headers: auth(KEYS.aAdmin) })).json().keys as Array<{ name: string, revoked_at: string | null, key_id: string }>).filter(k => k.name === 'twin' && k.revoked_at === null)
  t.same(live.map(k => k.key_id), [winner.info.key_id], 'one live key named twin')
  t.equal((await search(winner.key, {})).statusCode, 200)
})

t.test('every read is recorded in the access log', async t => {
  await search(KEYS.aRead, { filters: { action: ['login'] }, query: 'user.id:ua2' })
  await search(KEYS.bRead, { filters: { action: ['logout'] } })
  const log = await get(KEYS.aAdmin, '/v1/access-log?size=1000')
  t.equal(log.statusCode, 200, log.body)
  const entries = log.json().entries as Array<{ key_id: string, tenant: string, route: string, request?: string, results?: number, status: number }>
  const mine = entries.find(e => e.route === '/v1/events/search' && e.request?.includes('user.id:ua2'))
  t.ok(mine, 'the search is there with its KQL')
  t.match(mine, { tenant: 'brand-a', status: 200, results: 1 })
  t.match(mine?.key_id, /^config-/)
  t.notOk(entries.some(e => e.tenant === 'brand-b'), 'a tenant admin sees its own tenant\'s reads only')
  const all = (await get(KEYS.admin, '/v1/access-log?size=1000')).json().entries as typeof entries
  t.ok(all.some(e => e.tenant === 'brand-b' && e.request?.includes('logout')), 'the platform admin sees all')
  t.notOk(all.some(e => e.route === '/v1/events' && e.status === 202), 'writes are not reads')
})

t.test('the access log reads page after page, each record once, those of earlier versions (no id) included', async t => {
  const p = stack.config.indexPrefix
  // Recent: the worker's maintenance run deletes records past the security retention.
  const at = new Date(Date.now() - 3600_000).toISOString()
  // Records of one millisecond (the page boundary falls among them), and two written before records had an id.
  const operations = Array.from({ length: 7 }, (_, i) => [{ create: { _index: accessIndex(p), _id: `page-${i}` } }, { '@timestamp': at, ...(i < 5 ? { id: `page-${i}` } : {}), key_id: 'pager', tenant: null, method: 'GET', route: '/v1/events', url: `/v1/events?n=${i}`, status: 200, took_ms: 1 }]).flat()
  await stack.es.bulk({ operations, refresh: true })
  const urls: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await get(KEYS.admin, `/v1/access-log?key=pager&size=3${cursor === null ? '' : `&cursor=${cursor}`}`)
    t.equal(res.statusCode, 200, res.body)
    const page = res.json() as { entries: Array<{ url: string, id?: string }>, next: string | null }
    urls.push(...page.entries.map(e => e.url))
    cursor = page.next
    pages++
  } while (cursor !== null && pages < 10)
  t.same(urls.slice(0, 5), [4, 3, 2, 1, 0].map(i => `/v1/events?n=${i}`), 'newest first, records of one millisecond by id')
  t.equal(urls.length, 6, 'a page ending among records without an id skips the rest of them')
  // What each start does: records of an earlier version are given their document id.
  t.equal(await backfillAccessIds(stack.es, p), 2)
  urls.length = 0
  cursor = null
  pages = 0
  do {
    const page = (await get(KEYS.admin, `/v1/access-log?key=pager&size=3${cursor === null ? '' : `&cursor=${cursor}`}`)).json() as { entries: Array<{ url: string }>, next: string | null }
    urls.push(...page.entries.map(e => e.url))
    cursor = page.next
    pages++
  } while (cursor !== null && pages < 10)
  t.same(urls, [6, 5, 4, 3, 2, 1, 0].map(i => `/v1/events?n=${i}`), 'then every record once, in order')
  t.equal(await backfillAccessIds(stack.es, p), 0, 'and once only')
  const bad = await get(KEYS.admin, '/v1/access-log?cursor=bm90IGEgY3Vyc29y')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { message: 'the request is invalid', errors: [{ path: '/querystring/cursor', message: 'is not a cursor this service issued' }] })
})

t.test('rate limits per key', async t => {
  const limited = await startStack(t, { worker: false, env: { SILLAGE_RATE_LIMIT_PER_MINUTE: '5' } })
  await earlyInAMinute()
  const codes: number[] = []
  for (let i = 0; i < 6; i++) codes.push((await limited.api.app.inject({ method: 'GET', url: '/v1/events', headers: auth(KEYS.read) })).statusCode)
  t.same(codes, [200, 200, 200, 200, 200, 429])
  const last = await limited.api.app.inject({ method: 'GET', url: '/v1/events', headers: auth(KEYS.read) })
  t.ok(Number(last.headers['retry-after']) >= 1)
  t.equal(last.headers['x-ratelimit-remaining'], '0')
  t.equal((await limited.api.app.inject({ method: 'GET', url: '/v1/events', headers: auth(KEYS.aRead) })).statusCode, 200, 'another key has its own budget')
})

t.test('oversized inputs get clear errors', async t => {
  t.equal((await search(KEYS.read, { query: 'a'.repeat(2001) })).statusCode, 400)
  t.match((await search(KEYS.read, { size: 1001 })).json().errors, [{ path: '/size' }])
  t.match((await search(KEYS.read, { filters: { action: Array(101).fill('login') } })).json().errors, [{ path: '/filters/action' }])
  t.match((await post(KEYS.ingest, { ...event('big', undefined, 'u'), message: 'x'.repeat(2001) })).json().errors, [{ path: '/message' }])
  t.match((await post(KEYS.ingest, { ...event('tags', undefined, 'u'), audit: { tags: Array(21).fill('t') } })).json().errors, [{ path: '/audit/tags' }])
})

t.test('pseudonymised fields are stored as keyed hashes and still link events', async t => {
  const key = 'p'.repeat(40)
  const ps = await startStack(t, { env: { SILLAGE_PSEUDONYMISE: 'user.id,user.email', SILLAGE_PSEUDONYM_KEY: key } })
  const res = await ps.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: [event('p-1', undefined, 'carla'), event('p-2', undefined, 'carla')] } })
  t.equal(res.statusCode, 202)
  await ps.waitForCount(2)
  const raw = await ps.es.search<{ user: object, related: object }>({ index: `${ps.config.indexPrefix}-events`, size: 10 })
  // Free text is the client's to keep clean: only the chosen fields are replaced.
  t.notMatch(JSON.stringify(raw.hits.hits.map(h => [h._source?.user, h._source?.related])), /carla/, 'the clear values are stored in no chosen field')
  const { pseudonym } = await import('../../src/events/pseudonymise.ts')
  const id = pseudonym(Buffer.from(key), 'user.id', 'carla')
  const timeline = await ps.api.app.inject({ method: 'GET', url: `/v1/users/${id}/timeline`, headers: auth(KEYS.read) })
  t.same(timeline.json().events.map((e: { id: string }) => e.id).sort(), ['p-1', 'p-2'], 'the pseudonym links the user\'s events')
})
