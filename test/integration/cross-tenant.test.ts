import { t } from '../helpers/file-test.ts'
import type { OpenAPIV3 } from 'openapi-types'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { fakeOf, normalise, operations, substitute, type Operation } from '../helpers/openapi-walk.ts'

// Tenant B's strongest key (admin of brand-b, every scope) tries every documented operation with tenant A's ids,
// cursors, saved objects, export ids and key ids. It must not read, change or learn of them: each answer about an
// object of A is the answer about an id that does not exist, names nothing of A, and A's objects are the same
// afterwards. Operations come from /openapi.json, so a new route is tried as soon as it is documented.

let stack: Stack
let doc: OpenAPIV3.Document
let bAdmin: string
let aKey: string
let aCursor: string
/** A's objects by collection (`/v1/saved-searches` → its id), and every id of A. */
const owned = new Map<string, string>()
const etags = new Map<string, string>()
const A = { tenant: 'brand-a', user: 'xt-user-a', session: 'xt-sess-a', events: ['xt-a-1', 'xt-a-2', 'xt-a-3'] }
const SECRETS = ['xt-secret-a', 'xt-a@example.com', 'xt-a-named']

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
type Made = { id?: string, info?: { key_id?: string }, key?: string } | undefined
// Streams and webhooks made here point at a closed local port and are off: nothing leaves the machine.
function disarm (body: unknown): unknown {
  const out = substitute(body, { host: '127.0.0.1', port: 9, url: 'http://127.0.0.1:9/xt' })
  return typeof out === 'object' && out !== null && ('destination' in out || 'url' in out) ? { ...out, enabled: false } : out
}
const json = (text: string): Made => { try { return JSON.parse(text) as Made } catch { return undefined } }
const call = async (key: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  await stack.api.app.inject({ method: method as Method, url, headers: { ...auth(key), ...headers }, ...(body === undefined ? {} : { payload: body as object }) })

t.before(async () => {
  stack = await startStack(t, { env: { SILLAGE_EXPORT_SYNC_MAX: '0', SILLAGE_RATE_LIMIT_PER_MINUTE: '1000000', SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on' } })
  doc = (await call(KEYS.admin, 'GET', '/openapi.json')).json() as OpenAPIV3.Document
  bAdmin = (await call(KEYS.admin, 'POST', '/v1/api-keys', { name: 'b admin', scopes: ['admin'], tenant: 'brand-b' })).json().key as string
  const events = A.events.map((id, i) => ({
    event: { id, action: i === 0 ? 'login' : 'withdrawal', outcome: 'success' }, message: `xt-secret-a ${i}`,
    user: { id: A.user, email: 'xt-a@example.com' }, source: { ip: '81.2.69.142' }, audit: { session: { id: A.session }, device: { id: 'xt-dev-a' } }
  }))
  const stored = await call(KEYS.aIngest, 'POST', '/v1/events', { events })
  const theirs = await call(bAdmin, 'POST', '/v1/events', { event: { id: 'xt-b-1', action: 'login' }, user: { id: 'xt-user-b' } })
  if (stored.statusCode !== 202 || theirs.statusCode !== 202) throw new Error(stored.body + theirs.body)
  await stack.waitForCount(4)
  // A's objects: every collection that creates them, from the example of its documented body, named with a marker.
  for (const op of operations(doc)) {
    if (op.method !== 'POST' || op.scope === 'ingest' || op.pathParams.length > 0 || op.body === undefined || doc.paths[`${op.path}/{id}`] === undefined) continue
    // The full example, or its required properties alone (an export of the example's filters may match none of A's events).
    const full = { ...disarm(op.body) as object, ...('name' in (op.body as object) ? { name: 'xt-a-named' } : {}) } as Record<string, unknown>
    let res = await call(KEYS.aAdmin, 'POST', op.path, full)
    if (json(res.body)?.id === undefined) res = await call(KEYS.aAdmin, 'POST', op.path, Object.fromEntries(op.required.map(k => [k, full[k]])))
    const made = json(res.body) ?? {}
    const id = made.id ?? made.info?.key_id
    t.comment(`A's ${op.path}: ${res.statusCode}${id === undefined ? ` ${res.body.slice(0, 200)}` : ''}`)
    if (id === undefined) continue
    owned.set(op.path, id)
    if (made.key !== undefined) aKey = made.key
    const read = await call(KEYS.aAdmin, 'GET', `${op.path}/${id}`)
    if (typeof read.headers.etag === 'string') etags.set(op.path, read.headers.etag)
  }
  aKey ??= KEYS.aRead
  aCursor = (await call(KEYS.aRead, 'POST', '/v1/events/search', { size: 1 })).json().cursor as string
})

/** Which of A's ids a path parameter takes: known collections get theirs, any other gets every id of A in turn. */
function idsFor (op: Operation): string[] {
  const fixed: Record<string, string[]> = {
    '/v1/events': A.events.slice(0, 1), '/v1/integrity/proof': A.events.slice(0, 1), '/v1/users': [A.user], '/v1/sessions': [A.session]
  }
  const own = owned.get(op.collection)
  return fixed[op.collection] ?? (own === undefined ? [...new Set([...owned.values(), A.events[0] as string, A.user, A.session])] : [own])
}

/** Values of A for query parameters and body properties of these names. */
const aValues = (): Record<string, string> => ({
  tenant: A.tenant, cursor: aCursor, user: A.user, userId: A.user, session: A.session, sessionId: A.session,
  key: owned.get('/v1/api-keys') ?? '', event_id: A.events[0] as string, eventId: A.events[0] as string,
  ruleId: owned.get('/v1/watch-rules') ?? '', query: `user.id:${A.user} or audit.tenant:${A.tenant}`
})

function queryString (op: Operation, values: Record<string, string>): string {
  const q = new URLSearchParams()
  for (const p of op.query) if (values[p.name] !== undefined && values[p.name] !== '') q.set(p.name, values[p.name] as string)
  return q.size === 0 ? '' : `?${q.toString()}`
}

/**
 * Nothing of A that B has not itself sent may appear in an answer to B (B's access log and B's saved searches
 * hold what B sent), and no answer to B holds an object of A's tenant.
 */
let sentByB = ''
function leaks (answer: string, request: string): string[] {
  sentByB += request
  const named = [...SECRETS, ...A.events, A.user, A.session, A.tenant, ...owned.values()]
  const found = named.filter(marker => marker !== '' && answer.includes(marker) && !sentByB.includes(marker))
  return /"tenant":\s*"brand-a"/.test(answer) ? [...found, 'an object of tenant brand-a'] : found
}

/** What A sees of its own objects: every list it can read and each object of A, volatile keys aside. */
async function snapshot (): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  const skip = /^\/(health|metrics|openapi)|^\/v1\/(access-log|alerts|integrity|me$|fields$|auth|dead-letters)/
  for (const op of operations(doc)) {
    if (op.method !== 'GET' || op.pathParams.length > 0 || op.scope === 'public' || skip.test(op.path)) continue
    const res = await call(KEYS.aAdmin, 'GET', op.path)
    out[op.path] = [res.statusCode, normalise(res.body)]
  }
  for (const [collection, id] of owned) {
    const res = await call(KEYS.aAdmin, 'GET', `${collection}/${id}`)
    out[`${collection}/${id}`] = [res.statusCode, normalise(res.body)]
  }
  for (const id of A.events) out[`/v1/events/${id}`] = normalise((await call(KEYS.aAdmin, 'GET', `/v1/events/${id}`)).body)
  out.key = (await call(aKey, 'GET', '/v1/me')).statusCode
  return out
}

t.test('tenant B learns nothing of tenant A\'s objects through any operation', async t => {
  t.ok(owned.size >= 4, `A owns objects of ${owned.size} kinds: ${[...owned.keys()].join(', ')}`)
  const before = await snapshot()
  const ops = operations(doc).filter(op => op.scope !== 'public')
  let compared = 0
  for (const op of ops) {
    const name = `${op.method} ${op.path}`
    const headers: Record<string, string> = op.headers.includes('if-match') ? { 'if-match': etags.get(op.collection) ?? '"1.1"' } : {}
    if (op.ndjson) headers['content-type'] = 'application/x-ndjson'
    const body = op.ndjson ? JSON.stringify({ type: 'search', id: A.events[0], attributes: { title: 'x' } }) : op.body
    for (const values of [{}, aValues()]) {
      const query = queryString(op, values)
      const withCursor = 'cursor' in values && op.properties.includes('cursor') ? { ...op.body as object, cursor: aCursor } : op.body
      const sent = op.body === undefined ? body : disarm(substitute(withCursor, values))
      if (op.pathParams.length === 0) {
        const res = await call(bAdmin, op.method, `${op.path}${query}`, sent, headers)
        t.ok(res.statusCode < 500, `${name}${query}: ${res.statusCode}`)
        // A's cursor opens nothing for B (and must not close A's point in time: checked at the end).
        if (query.includes('cursor=') || (typeof sent === 'object' && sent !== null && 'cursor' in sent)) t.equal(res.statusCode, 400, `${name}: A's cursor is refused`)
        t.same(leaks(res.body, JSON.stringify([query, sent])), [], `${name}${query} names nothing of A`)
        continue
      }
      for (const id of idsFor(op)) {
        const fake = fakeOf(id)
        const url = (v: string): string => op.path.replace(/\{[^}]+\}/g, encodeURIComponent(v)) + query
        const real = await call(bAdmin, op.method, url(id), sent, headers)
        const none = await call(bAdmin, op.method, url(fake), sent, headers)
        t.equal(real.statusCode, none.statusCode, `${op.method} ${url(id)}: as for an id that does not exist (${none.statusCode})`)
        t.same(normalise(real.body), normalise(none.body, fake, id), `${op.method} ${url(id)}: the same answer`)
        t.same(leaks(real.body, JSON.stringify([url(id), sent])), [], `${op.method} ${url(id)}: names nothing else of A`)
        compared++
      }
    }
  }
  t.ok(compared >= 40, `${compared} answers about A's objects compared with answers about ids that do not exist`)
  t.same(await snapshot(), before, 'A\'s objects, lists and key are as they were')
  const next = await call(KEYS.aRead, 'POST', '/v1/events/search', { cursor: aCursor })
  t.equal(next.statusCode, 200, 'A\'s cursor still works: its point in time was not closed')
})

t.test('B\'s own event under one of A\'s ids leaves A\'s event alone', async t => {
  const res = await call(bAdmin, 'POST', '/v1/events', { event: { id: A.events[0], action: 'logout' }, user: { id: 'xt-user-b' } })
  t.equal(res.statusCode, 202)
  let own = await call(bAdmin, 'GET', `/v1/events/${A.events[0] as string}`)
  for (let i = 0; i < 100 && own.statusCode === 404; i++) {
    await new Promise(resolve => setTimeout(resolve, 200))
    own = await call(bAdmin, 'GET', `/v1/events/${A.events[0] as string}`)
  }
  t.equal(own.json().event?.action, 'logout', 'B reads its own')
  const theirs = (await call(KEYS.aRead, 'GET', `/v1/events/${A.events[0] as string}`)).json()
  t.equal(theirs.event.action, 'login', 'A\'s event is unchanged')
  t.equal(theirs.user.id, A.user)
})
