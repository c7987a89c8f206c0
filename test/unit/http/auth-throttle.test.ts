import t from 'tap'
import Fastify from 'fastify'
import { Authenticator } from '../../../src/auth/api-keys.ts'
import { newKey } from '../../../src/auth/key-format.ts'
import { AuthFailureThrottle, type RateDecision } from '../../../src/auth/rate-limiter.ts'
import { installAuth } from '../../../src/http/plugins/auth.ts'
import { installAuthThrottle } from '../../../src/http/plugins/auth-throttle.ts'

const BUDGET = 20
const VALID = 'a-valid-read-key-0001'

/** The per-minute counter, in memory: the same fixed windows as the Redis one. */
function memoryCounter (clock: { now: () => number }): { take: (id: string) => Promise<RateDecision> } {
  const used = new Map<string, number>()
  return {
    take: async id => {
      const window = Math.floor(clock.now() / 60_000)
      const n = (used.get(`${id}:${window}`) ?? 0) + 1
      used.set(`${id}:${window}`, n)
      return { allowed: n <= BUDGET, limit: BUDGET, remaining: Math.max(0, BUDGET - n), retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * 60_000 - clock.now()) / 1000)) }
    }
  }
}

t.test('1,300 random keys from one address: a few 401s and lookups, then 429s with Retry-After', async t => {
  let now = Date.parse('2026-11-26T10:00:10Z')
  const clock = { now: () => now }
  let lookups = 0
  const app = Fastify()
  installAuthThrottle(app, new AuthFailureThrottle(memoryCounter(clock), clock), app.log)
  installAuth(app, new Authenticator([{ key: VALID, scopes: ['read'], tenant: null }], { lookup: async () => { lookups++; return undefined } }))
  app.get('/v1/thing', { config: { scope: 'read' } }, async () => ({ ok: true }))
  app.get('/health', { config: { public: true } }, async () => ({ ok: true }))
  t.teardown(() => app.close())
  const call = async (key: string | undefined, remoteAddress = '203.0.113.7') =>
    await app.inject({ method: 'GET', url: '/v1/thing', remoteAddress, ...(key === undefined ? {} : { headers: { authorization: `ApiKey ${key}` } }) })

  const statuses: Record<number, number> = {}
  let last
  for (let i = 0; i < 1300; i++) {
    last = await call(newKey().key)
    statuses[last.statusCode] = (statuses[last.statusCode] ?? 0) + 1
  }
  t.same(statuses, { 401: BUDGET, 429: 1300 - BUDGET })
  t.equal(lookups, BUDGET + 1, 'the key store is asked only until the budget is spent')
  t.equal(last?.headers['retry-after'], '50', 'until the minute ends')
  t.match(last?.json(), { statusCode: 429, message: /too many failed authentications from this address; retry after 50 s/ })

  t.equal((await call(VALID)).statusCode, 429, 'the blocked address waits, whatever key it sends')
  t.equal((await call(undefined)).statusCode, 401, 'a request without a key costs nothing and is not counted')
  t.equal((await app.inject({ method: 'GET', url: '/health', remoteAddress: '203.0.113.7', headers: { authorization: 'ApiKey x' } })).statusCode, 200, 'public routes stay open')
  t.equal((await call(VALID, '198.51.100.1')).statusCode, 200, 'other addresses are not affected')
  t.equal((await call(newKey().key, '198.51.100.1')).statusCode, 401)

  now += 50_000
  t.equal((await call(VALID)).statusCode, 200, 'the next minute, the address may try again')
})

t.test('a counter that fails lets requests through', async t => {
  const app = Fastify()
  installAuthThrottle(app, new AuthFailureThrottle({ take: async () => { throw new Error('redis down') } }), app.log)
  installAuth(app, new Authenticator([], { lookup: async () => undefined }))
  app.get('/v1/thing', { config: { scope: 'read' } }, async () => ({ ok: true }))
  t.teardown(() => app.close())
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/v1/thing', headers: { authorization: 'ApiKey nope-nope-nope-nope' } })).statusCode, 401)
})
