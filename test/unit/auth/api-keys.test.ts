import t from 'tap'
import { ApiKeys } from '../../../src/auth/api-keys.ts'

const keys = new ApiKeys([{ key: 'ingest-only-key-0001', scopes: ['ingest'] }, { key: 'the-admin-key-000001', scopes: ['admin'] }])

t.test('401 without or with an unknown key, 403 with the wrong scope', async t => {
  t.match(keys.check(undefined, 'read'), { ok: false, status: 401 })
  t.match(keys.check('Bearer ingest-only-key-0001', 'ingest'), { ok: false, status: 401 })
  t.match(keys.check('ApiKey nope-nope-nope-nope', 'ingest'), { ok: false, status: 401, message: 'unknown API key' })
  t.match(keys.check('ApiKey ingest-only-key-0001', 'read'), { ok: false, status: 403, message: /"read" scope/ })
  t.match(keys.check('ApiKey ingest-only-key-0001', 'ingest'), { ok: true, principal: { scopes: ['ingest'] } })
  t.match(keys.check('apikey the-admin-key-000001', 'read'), { ok: true }, 'admin holds every scope')
})

t.test('the key never appears in the principal', async t => {
  const r = keys.check('ApiKey ingest-only-key-0001', 'ingest')
  t.notMatch(JSON.stringify(r), 'ingest-only-key-0001')
})
