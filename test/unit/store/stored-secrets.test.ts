import t from 'tap'
import { StoredSecrets } from '../../../src/store/system/stored-secrets.ts'

const KEY = 'a-stored-secrets-key-of-32-characters-or-more'

t.test('sealed with the key, bound to its record; in clear without it', async t => {
  const secrets = new StoredSecrets(KEY)
  const sealed = secrets.seal('whsec_abc', 'webhook/1')
  t.match(sealed, /^sealed:v1:[0-9a-f]{12}:[A-Za-z0-9_-]+$/)
  t.notOk(sealed.includes('whsec_abc'))
  t.not(secrets.seal('whsec_abc', 'webhook/1'), sealed, 'a new nonce each time')
  t.equal(secrets.open(sealed, 'webhook/1'), 'whsec_abc')
  t.throws(() => secrets.open(sealed, 'webhook/2'), /sealed secret of webhook\/2 does not open/, 'moved to another record: refused')
  const body = sealed.split(':')[3] as string
  const flipped = `${sealed.slice(0, sealed.length - body.length)}${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`
  t.throws(() => secrets.open(flipped, 'webhook/1'), /does not open/, 'changed: refused')
  t.equal(secrets.open('whsec_clear', 'webhook/1'), 'whsec_clear', 'stored before the key was set: read as it is')

  const none = new StoredSecrets(undefined)
  t.equal(none.seal('whsec_abc', 'webhook/1'), 'whsec_abc')
  t.throws(() => none.open(sealed, 'webhook/1'), new RegExp(`sealed with key ${secrets.keyId as string}, and SILLAGE_SECRETS_KEY is not set`))
  const other = new StoredSecrets(`${KEY}-other`)
  t.throws(() => other.open(sealed, 'webhook/1'), new RegExp(`sealed with key ${secrets.keyId as string}, and SILLAGE_SECRETS_KEY is key ${other.keyId as string}`))
})
