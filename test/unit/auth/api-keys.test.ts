import t from 'tap'
import { Authenticator } from '../../../src/auth/api-keys.ts'
import { KeyService } from '../../../src/auth/key-service.ts'
import { hashKey, keyIdOf, newKey } from '../../../src/auth/key-format.ts'
import { grants, seesMasked } from '../../../src/auth/scopes.ts'

const managed = newKey()
const revoked = newKey()
const records = new Map([
  [managed.id, { hash: hashKey(managed.key), scopes: ['read:masked' as const], tenant: 'brand-a', revoked_at: null }],
  [revoked.id, { hash: hashKey(revoked.key), scopes: ['read' as const], tenant: null, revoked_at: '2026-01-01T00:00:00Z' }]
])
const auth = new Authenticator(
  [{ key: 'ingest-only-key-0001', scopes: ['ingest'], tenant: null }, { key: 'the-admin-key-000001', scopes: ['admin'], tenant: 'brand-b' }],
  { lookup: async id => records.get(id) }
)

t.test('401 without or with an unknown key, 403 with the wrong scope', async t => {
  t.match(await auth.check(undefined, 'read'), { ok: false, status: 401 })
  t.match(await auth.check('Bearer ingest-only-key-0001', 'ingest'), { ok: false, status: 401 })
  t.match(await auth.check('ApiKey nope-nope-nope-nope', 'ingest'), { ok: false, status: 401 })
  t.match(await auth.check('ApiKey ingest-only-key-0001', 'read'), { ok: false, status: 403, message: /"read" scope/ })
  t.match(await auth.check('ApiKey ingest-only-key-0001', 'ingest'), { ok: true, principal: { scopes: ['ingest'], tenant: null } })
  t.match(await auth.check('apikey the-admin-key-000001', 'export'), { ok: true, principal: { tenant: 'brand-b' } }, 'admin holds every scope')
})

t.test('managed keys: found by id, checked by hash, refused once revoked', async t => {
  t.match(await auth.check(`ApiKey ${managed.key}`, 'read'), { ok: true, principal: { keyId: managed.id, tenant: 'brand-a', scopes: ['read:masked'] } })
  t.match(await auth.check(`ApiKey ${managed.key}`, 'export'), { ok: false, status: 403 })
  const forged = managed.key.slice(0, -2) + (managed.key.endsWith('AA') ? 'BB' : 'AA')
  t.match(await auth.check(`ApiKey ${forged}`, 'read'), { ok: false, status: 401 }, 'right id, wrong secret')
  t.match(await auth.check(`ApiKey ${revoked.key}`, 'read'), { ok: false, status: 401, message: /revoked/ })
  t.match(await auth.check(`ApiKey ${newKey().key}`, 'read'), { ok: false, status: 401 }, 'unknown id')
})

t.test('key format and scopes', async t => {
  const k = newKey()
  t.match(k.key, /^sil_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
  t.equal(keyIdOf(k.key), k.id)
  t.equal(keyIdOf('sil_short_x'), undefined)
  t.not(newKey().key, newKey().key)
  t.equal(hashKey(k.key).length, 64)
  t.ok(grants(['read:masked'], 'read'))
  t.notOk(grants(['read:masked'], 'export'))
  t.ok(grants(['admin'], 'ingest'))
  t.ok(seesMasked(['read:masked', 'export']))
  t.notOk(seesMasked(['read']))
  t.notOk(seesMasked(['admin']))
})

t.test('a lookup that read the key before its revocation does not cache it as live', async t => {
  const record = { key_id: 'k1', name: 'n', hash: 'h', scopes: ['read' as const], tenant: null, created_at: '', created_by: 'a', revoked_at: null as string | null, replaced_by: null }
  let release: () => void = () => undefined
  let slow = false
  const store = {
    get: async () => {
      const copy = { ...record }
      if (slow) await new Promise<void>(resolve => { release = resolve })
      return copy
    },
    revoke: async (_id: string, at: string) => { record.revoked_at = at; return true }
  }
  const keys = new KeyService(store as never)
  slow = true
  const inFlight = keys.lookup('k1')
  slow = false
  await keys.revoke('k1', { keyId: 'admin', scopes: ['admin'], tenant: null })
  release()
  t.equal((await inFlight)?.revoked_at, null, 'the lookup answers what it read')
  t.not((await keys.lookup('k1'))?.revoked_at, null, 'the next one reads the revocation')
})
