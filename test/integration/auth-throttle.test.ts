import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { earlyInAMinute } from '../helpers/minute.ts'
import { newKey } from '../../src/auth/key-format.ts'

t.test('failed authentications are throttled per client address, counted in Redis', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_AUTH_FAILURES_PER_MINUTE: '5', SILLAGE_TRUST_PROXY: '127.0.0.1' } })
  const app = stack.api.app
  const from = (address: string, key?: string) => app.inject({
    method: 'GET', url: '/v1/saved-searches', headers: { 'x-forwarded-for': address, ...(key === undefined ? {} : auth(key)) }
  })
  await earlyInAMinute()

  const statuses: number[] = []
  for (let i = 0; i < 8; i++) statuses.push((await from('203.0.113.9', newKey().key)).statusCode)
  t.same(statuses, [401, 401, 401, 401, 401, 429, 429, 429])
  const refused = await from('203.0.113.9', KEYS.read)
  t.equal(refused.statusCode, 429, 'the address waits, even with a good key')
  const wait = Number(refused.headers['retry-after'])
  t.ok(wait >= 1 && wait <= 60, `Retry-After: ${wait}`)
  t.match(refused.json(), { statusCode: 429, error: 'Too Many Requests', message: /too many failed authentications/ })

  t.equal((await from('198.51.100.4', KEYS.read)).statusCode, 200, 'another client behind the same proxy is not affected')
  t.equal((await from('198.51.100.4', 'not-a-key-at-all-000')).statusCode, 401)
  t.equal((await from('203.0.113.9')).statusCode, 401, 'no key, nothing counted: a plain 401')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
})
