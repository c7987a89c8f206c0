import type { Test } from 'tap'
import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { freePort, oidcEnv, startTestProvider, type TestProvider } from '../helpers/oidc-provider.ts'
import { Redis } from 'ioredis'
import { personId } from '../../src/auth/person.ts'
import { SessionStore } from '../../src/auth/session-store.ts'

const event = (id: string, tenant: string) => ({
  event: { id, action: 'login', outcome: 'success' },
  user: { id: `u-${id}`, email: `${id}@example.com` },
  audit: { session: { id: `s-${id}` }, tenant }
})

interface Site { stack: Stack, provider: TestProvider, origin: string }

/** Sillage listening on a loopback port, with single sign-on at its own test provider. */
async function startSite (t: Test, extra: Record<string, string> = {}, worker = true): Promise<Site> {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const provider = await startTestProvider(`${origin}/v1/auth/oidc/callback`)
  t.teardown(provider.close)
  const stack = await startStack(t, { worker, env: oidcEnv(provider, `${origin}/v1/auth/oidc/callback`, extra) })
  await stack.api.app.listen({ port, host: '127.0.0.1' })
  return { stack, provider, origin }
}

const cookiesOf = (res: Response): string[] => res.headers.getSetCookie()
const pair = (setCookie: string | undefined): string => (setCookie ?? '').split(';')[0] as string

/** The browser's part of a sign-in: login, the provider's forms, the callback with the login cookie. */
async function signIn (site: Site, login: string): Promise<{ callback: Response, session?: string, setCookies: string[] }> {
  const start = await fetch(`${site.origin}/v1/auth/oidc/login?return_to=/console/discover`, { redirect: 'manual' })
  if (start.status !== 302) throw new Error(`login answered ${start.status}: ${await start.text()}`)
  const flow = pair(cookiesOf(start).find(c => c.startsWith('sillage-oidc=')))
  const back = await site.provider.signIn(start.headers.get('location') ?? '', login)
  const callback = await fetch(back, { redirect: 'manual', headers: { cookie: flow, accept: 'text/html' } })
  const setCookies = cookiesOf(callback)
  const session = setCookies.find(c => c.startsWith('sillage-session=') && !/Max-Age=0/.test(c))
  return { callback, setCookies, ...(session === undefined ? {} : { session: pair(session) }) }
}

const call = async (site: Site, path: string, options: { cookie?: string, csrf?: string, body?: object, key?: string } = {}): Promise<Response> => await fetch(`${site.origin}${path}`, {
  method: options.body === undefined ? 'GET' : 'POST',
  headers: {
    ...(options.cookie === undefined ? {} : { cookie: options.cookie }),
    ...(options.csrf === undefined ? {} : { 'x-csrf-token': options.csrf }),
    ...(options.key === undefined ? {} : auth(options.key)),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' })
  },
  ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) })
})

let site: Site
t.before(async () => {
  site = await startSite(t)
  const seeded = await site.stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: [event('a-1', 'brand-a'), event('a-2', 'brand-a'), event('b-1', 'brand-b')] } })
  if (seeded.statusCode !== 202) throw new Error(seeded.body)
  await site.stack.waitForCount(3)
})

t.test('the API says single sign-on is offered', async t => {
  t.same(await (await call(site, '/v1/auth/methods')).json(), { apiKey: true, sso: true })
})

t.test('a person with a mapped role signs in: a session confined to their tenant, with their roles\' scopes', async t => {
  const { callback, session, setCookies } = await signIn(site, 'alice')
  t.equal(callback.status, 303)
  t.equal(callback.headers.get('location'), '/console/discover', 'back to the console page that began the sign-in')
  const cookie = setCookies.find(c => c.startsWith('sillage-session=')) ?? ''
  for (const flag of ['HttpOnly', 'SameSite=Strict', 'Path=/']) t.match(cookie, flag, `session cookie ${flag}`)
  t.notMatch(cookie, /Secure|Domain|Max-Age/, 'no Secure on plain-http loopback, no Domain, ends with the browser')
  t.ok(setCookies.some(c => /^sillage-oidc=;.*Max-Age=0/.test(c)), 'the login cookie is cleared')
  const me = await (await call(site, '/v1/me', { cookie: session })).json()
  t.match(me, { keyId: personId(site.provider.issuer, 'alice'), tenant: 'brand-a', scopes: ['read', 'export'], masked: false, person: { subject: 'alice', name: 'Alice Martin', issuer: site.provider.issuer } })
  t.match(me.session.csrfToken, /^[\w-]{43}$/)
  t.ok(Date.parse(me.session.expiresAt) > Date.now() + 7 * 3600_000, 'an 8-hour session')

  const listed = await (await call(site, '/v1/events', { cookie: session })).json()
  t.same(listed.events.map((e: { id: string }) => e.id).sort(), ['a-1', 'a-2'], 'a GET with the cookie works, confined to brand-a')
  const refused = await call(site, '/v1/events/search', { cookie: session, body: { query: 'audit.tenant:brand-b' } })
  t.equal(refused.status, 403, 'a POST without the CSRF token is refused')
  t.match((await refused.json()).message, /X-CSRF-Token/)
  t.equal((await call(site, '/v1/events/search', { cookie: session, csrf: 'wrong', body: {} })).status, 403, 'a wrong token too')
  const searched = await call(site, '/v1/events/search', { cookie: session, csrf: me.session.csrfToken, body: { query: 'audit.tenant:brand-b or event.action:login' } })
  t.equal(searched.status, 200)
  t.same((await searched.json()).events.map((e: { id: string }) => e.id).sort(), ['a-1', 'a-2'], 'with the token it works, and no query widens the tenant')
  t.equal((await call(site, '/v1/api-keys', { cookie: session })).status, 403, 'no admin route without an admin role')
  const withKey = await call(site, '/v1/events/search', { cookie: session, key: KEYS.read, body: {} })
  t.equal((await withKey.json()).total, 3, 'an Authorization header wins over the cookie (the key\'s scope, no CSRF token needed)')
})

t.test('a person without a mapped role is refused with a page saying why, and gets no session', async t => {
  const { callback, session, setCookies } = await signIn(site, 'bob')
  t.equal(callback.status, 403)
  t.equal(session, undefined)
  t.notOk(setCookies.some(c => c.startsWith('sillage-session=')), 'no session cookie at all')
  t.match(callback.headers.get('content-type'), /text\/html/)
  t.match(callback.headers.get('content-security-policy'), /default-src 'none'/)
  t.match(await callback.text(), /holds no role that gives access to Sillage \(claim &quot;roles&quot;: staff\)/)
})

t.test('a callback that is not this sign-in\'s answer shows none of its words; a refusal shows only its standard code', async t => {
  const start = await fetch(`${site.origin}/v1/auth/oidc/login`, { redirect: 'manual' })
  const flow = pair(cookiesOf(start)[0])
  const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') as string
  const forged = await fetch(`${site.origin}/v1/auth/oidc/callback?error=access_denied&error_description=Your+account+is+frozen,+call+us`, { redirect: 'manual', headers: { cookie: flow, accept: 'text/html' } })
  t.equal(forged.status, 400, 'no state of this sign-in: refused')
  const page = await forged.text()
  t.notMatch(page, /frozen/, 'another site\'s words are not shown')
  t.match(page, /does not belong to the sign-in begun in this browser/)

  const again = await fetch(`${site.origin}/v1/auth/oidc/login`, { redirect: 'manual' })
  const denied = await fetch(`${site.origin}/v1/auth/oidc/callback?state=${encodeURIComponent(new URL(again.headers.get('location') ?? '').searchParams.get('state') as string)}&error=access_denied&error_description=Your+account+is+frozen`, { redirect: 'manual', headers: { cookie: pair(cookiesOf(again)[0]), accept: 'text/html' } })
  t.equal(denied.status, 403)
  const text = await denied.text()
  t.match(text, /refused the sign-in \(access_denied\)/)
  t.notMatch(text, /frozen/, 'the provider\'s own wording goes to the log only')
  t.ok(state.length > 0)
})

t.test('a return path the Location header cannot carry is refused at the start, before anything is kept', async t => {
  for (const back of ['/console/caf\u00e9', '/console/a\\b', '/console/a b', '/elsewhere']) {
    const res = await fetch(`${site.origin}/v1/auth/oidc/login?return_to=${encodeURIComponent(back)}`, { redirect: 'manual' })
    t.equal(res.status, 400, back)
    t.match(await res.text(), /return_to/)
    t.same(cookiesOf(res), [], 'no login begun')
  }
  const encoded = await fetch(`${site.origin}/v1/auth/oidc/login?return_to=${encodeURIComponent('/console/caf%C3%A9?q=a')}`, { redirect: 'manual' })
  t.equal(encoded.status, 302, 'the same path percent-encoded, as a browser gives it')
})

t.test('a callback is good once, and only in the browser that began the sign-in', async t => {
  const start = await fetch(`${site.origin}/v1/auth/oidc/login`, { redirect: 'manual' })
  const flow = pair(cookiesOf(start)[0])
  const back = await site.provider.signIn(start.headers.get('location') ?? '', 'alice')
  const stranger = await fetch(back, { redirect: 'manual' })
  t.equal(stranger.status, 400, 'without the login cookie (a link sent to someone else)')
  t.match((await stranger.json()).message, /unknown or has expired/)
  t.equal((await fetch(back, { redirect: 'manual', headers: { cookie: flow } })).status, 303)
  t.equal((await fetch(back, { redirect: 'manual', headers: { cookie: flow } })).status, 400, 'a replay is refused')
  const forged = await fetch(`${site.origin}/v1/auth/oidc/login`, { redirect: 'manual' })
  const wrongState = new URL(await site.provider.signIn(forged.headers.get('location') ?? '', 'alice'))
  wrongState.searchParams.set('state', 'not-the-state')
  t.equal((await fetch(wrongState, { redirect: 'manual', headers: { cookie: pair(cookiesOf(forged)[0]) } })).status, 400, 'a state other than the flow\'s is refused')
})

t.test('logout needs the CSRF token, then ends the session', async t => {
  const { session } = await signIn(site, 'alice')
  const me = await (await call(site, '/v1/me', { cookie: session })).json()
  t.equal((await fetch(`${site.origin}/v1/auth/logout`, { method: 'POST', headers: { cookie: session ?? '' } })).status, 403)
  const out = await fetch(`${site.origin}/v1/auth/logout`, { method: 'POST', headers: { cookie: session ?? '', 'x-csrf-token': me.session.csrfToken } })
  t.equal(out.status, 204)
  t.match(out.headers.getSetCookie()[0], /^sillage-session=;.*Max-Age=0/)
  t.equal((await call(site, '/v1/me', { cookie: session })).status, 401, 'the session is gone')
})

t.test('the access log names the person', async t => {
  const { session } = await signIn(site, 'alice')
  await call(site, '/v1/events?q=user.id:u-a-1', { cookie: session })
  const log = await site.stack.api.app.inject({ method: 'GET', url: `/v1/access-log?size=1000&key=${encodeURIComponent(personId(site.provider.issuer, 'alice'))}`, headers: auth(KEYS.admin) })
  t.equal(log.statusCode, 200, log.body)
  const entries = log.json().entries as Array<{ key_id: string, person?: string, tenant: string, action?: string, route: string, url: string, status: number }>
  t.ok(entries.some(e => e.route === '/v1/events' && e.url.includes('u-a-1') && e.person === 'Alice Martin' && e.tenant === 'brand-a'), 'the read, by name')
  const signIns = entries.filter(e => e.route === '/v1/auth/oidc/callback' && e.status === 303)
  t.ok(signIns.length > 0 && signIns.every(e => e.action === 'person.signed_in'), 'the sign-in, named')
  t.ok(signIns.every(e => /[?&]code=\(redacted\)/.test(e.url) && /[?&]state=\(redacted\)/.test(e.url)), `its code and state are not kept (${signIns[0]?.url ?? ''})`)
  t.ok(entries.some(e => e.route === '/v1/auth/logout' && e.status === 204 && e.action === 'person.signed_out'), 'the sign-out, named')
})

t.test('sessions end after their idle time and at their absolute end, however busy', async t => {
  // Times with room for a slow machine: a pause of up to 2 s between two calls must not end a session early.
  const short = await startSite(t, { SILLAGE_SESSION_MAX_SECONDS: '4', SILLAGE_SESSION_IDLE_SECONDS: '2' }, false)
  const idle = await signIn(short, 'alice')
  t.equal((await call(short, '/v1/me', { cookie: idle.session })).status, 200)
  await sleep(2300)
  const ended = await call(short, '/v1/me', { cookie: idle.session })
  t.equal(ended.status, 401, 'unused for longer than the idle time')
  t.match((await ended.json()).message, /session has ended/)
  const busy = await signIn(short, 'alice')
  const codes: number[] = []
  for (let i = 0; i < 6; i++) {
    codes.push((await call(short, '/v1/me', { cookie: busy.session })).status)
    await sleep(900)
  }
  t.equal(codes[0], 200)
  t.equal(codes.at(-1), 401, `used every 900 ms, it still ends at 4 s (${codes.join(' ')})`)
})

t.test('without an issuer, single sign-on is off', async t => {
  const plain = await startStack(t, { worker: false })
  t.same((await plain.api.app.inject({ method: 'GET', url: '/v1/auth/methods' })).json(), { apiKey: true, sso: false })
  t.equal((await plain.api.app.inject({ method: 'GET', url: '/v1/auth/oidc/login' })).statusCode, 404)
  t.equal((await plain.api.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: 'sillage-session=whatever' } })).statusCode, 401, 'a cookie is no credential then')
})

t.test('a platform administrator ends every session of a person; a new sign-in opens a new one', async t => {
  const [first, second] = [await signIn(site, 'alice'), await signIn(site, 'alice')]
  const person = personId(site.provider.issuer, 'alice')
  const end = async (key: string): Promise<number> => (await fetch(`${site.origin}/v1/people/${encodeURIComponent(person)}/sessions`, { method: 'DELETE', headers: auth(key) })).status
  t.equal(await end(KEYS.aAdmin), 403, 'not a tenant\'s administrator: a person is not confined to one tenant')
  t.equal((await call(site, '/v1/me', { cookie: first.session })).status, 200)
  t.equal(await end(KEYS.admin), 204)
  for (const s of [first.session, second.session]) t.equal((await call(site, '/v1/me', { cookie: s })).status, 401, 'both sessions ended')
  const again = await signIn(site, 'alice')
  t.equal((await call(site, '/v1/me', { cookie: again.session })).status, 200, 'signing in again works')
  const log = (await (await call(site, '/v1/access-log?size=50', { key: KEYS.admin })).json()).entries as Array<{ action?: string, status: number }>
  t.ok(log.some(e => e.action === 'person.sessions_ended' && e.status === 204), 'in the access log')
})

t.test('sessions end from a machine whose clock is behind: `sessions end` ends every session opened until then', async t => {
  const { session } = await signIn(site, 'alice')
  const redis = new Redis(site.stack.config.redisUrl, { maxRetriesPerRequest: null })
  t.teardown(() => { redis.disconnect() })
  const behind = new SessionStore(redis, site.stack.config.queuePrefix, site.stack.config.session, () => Date.now() - 90_000)
  await behind.endAllOf(personId(site.provider.issuer, 'alice'))
  t.equal((await call(site, '/v1/me', { cookie: session })).status, 401, 'ended, though the mark was made 90 s behind the API\'s clock')
  const again = await signIn(site, 'alice')
  t.equal((await call(site, '/v1/me', { cookie: again.session })).status, 200, 'a sign-in after the mark lives')
})

// Last on this site: it spends the address's budget of sign-ins for the minute.
t.test('sign-ins begun are bounded per address: 429 with Retry-After, before anything is kept', async t => {
  let refused: Response | undefined
  let begun = 0
  for (let i = 0; i < 70 && refused === undefined; i++) {
    const res = await fetch(`${site.origin}/v1/auth/oidc/login`, { redirect: 'manual' })
    if (res.status === 429) refused = res
    else if (res.status === 302) begun++
  }
  t.ok(refused !== undefined && begun > 0 && begun <= 60, `at most 60 a minute from one address (${begun} begun here)`)
  t.match(refused?.headers.get('retry-after'), /^\d+$/)
  t.equal(refused?.headers.getSetCookie().length, 0, 'no login cookie, no flow')
})
