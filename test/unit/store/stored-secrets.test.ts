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

t.test('a change of key: the previous key still opens, reseal moves each value to the current key', async t => {
  const before = new StoredSecrets(KEY)
  const old = before.seal('whsec_abc', 'webhook/1')
  const during = new StoredSecrets(`${KEY}-new`, KEY)
  t.equal(during.previousKeyId, before.keyId)
  t.equal(during.state(old), 'previous')
  t.equal(during.state('whsec_clear'), 'clear')
  t.equal(during.open(old, 'webhook/1'), 'whsec_abc', 'opened with the previous key')
  t.throws(() => during.open(old, 'webhook/2'), /does not open/, 'still bound to its record')

  const resealed = during.reseal(old, 'webhook/1') as string
  t.match(resealed, new RegExp(`^sealed:v1:${during.keyId as string}:`))
  t.equal(during.state(resealed), 'current')
  t.equal(during.reseal(resealed, 'webhook/1'), undefined, 'already current: nothing to write')
  t.equal(new StoredSecrets(`${KEY}-new`).open(resealed, 'webhook/1'), 'whsec_abc', 'opens without the previous key once resealed')
  t.equal(during.open(during.reseal('whsec_clear', 'webhook/1') as string, 'webhook/1'), 'whsec_clear', 'a value in clear gets sealed')

  const third = new StoredSecrets(`${KEY}-third`, `${KEY}-new`)
  t.equal(third.state(old), 'unknown key')
  t.throws(() => third.reseal(old, 'webhook/1'), new RegExp(`sealed with key ${before.keyId as string}, and SILLAGE_SECRETS_KEY is key ${third.keyId as string} \\(previous key ${during.keyId as string}\\)`), 'a key neither current nor previous: refused, naming all three')
  t.equal(new StoredSecrets(undefined).reseal('whsec_clear', 'webhook/1'), undefined, 'without a key there is nothing to seal with')
})
