import t from 'tap'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePublicKey, TrustedKeys } from '../../../src/integrity/trusted-keys.ts'
import { keyIdOf, rawPublicKey, signCheckpoint } from '../../../src/integrity/checkpoint.ts'
import { devKeyPath, parseSigningKey } from '../../../src/integrity/signing-key.ts'
import { loadConfig } from '../../../src/config/config.ts'
import { trustedKeysFor } from '../../../src/compose/shared.ts'
import { IntegrityService } from '../../../src/proofs/integrity-service.ts'
import type { IntegrityStore } from '../../../src/store/integrity/integrity-store.ts'
import type { CheckpointFile } from '../../../src/integrity/checkpoint-file.ts'

const body = { tenant: 'brand-a', size: 10, root: 'ab'.repeat(32), time: '2026-11-26T10:00:00.000Z' }
const [oldKey, newKey] = [generateKeyPairSync('ed25519'), generateKeyPairSync('ed25519')]

t.test('public keys parse from raw base64 and from PEM, and nothing else', async t => {
  const raw = rawPublicKey(oldKey.publicKey).toString('base64')
  t.equal(keyIdOf(parsePublicKey(raw)), keyIdOf(oldKey.publicKey))
  t.equal(keyIdOf(parsePublicKey(oldKey.publicKey.export({ format: 'pem', type: 'spki' }).toString())), keyIdOf(oldKey.publicKey))
  t.throws(() => parsePublicKey('c2hvcnQ='), /raw 32-byte Ed25519 public key/)
  t.throws(() => parsePublicKey(oldKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), /is a private key: give its public key/, 'a private key is refused, not turned into its public key')
  t.throws(() => parsePublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString()), /must be an Ed25519 key/)
})

t.test('a checkpoint verifies with the trusted key its id names, and with no other', async t => {
  const before = signCheckpoint(body, oldKey.privateKey)
  const after = signCheckpoint(body, newKey.privateKey)
  const rotated = new TrustedKeys(newKey.publicKey, [oldKey.publicKey])
  t.ok(rotated.verifies(before), 'signed before the rotation')
  t.ok(rotated.verifies(after), 'signed after it')
  t.notOk(new TrustedKeys(newKey.publicKey).verifies(before), 'the earlier key no longer trusted')
  t.notOk(rotated.verifies({ ...before, keyId: after.keyId }), 'a signature presented under another key id')
  t.notOk(rotated.verifies({ ...after, size: 11 }), 'a field changed')
  t.same(rotated.list().map(k => k.keyId), [keyIdOf(newKey.publicKey), keyIdOf(oldKey.publicKey)])
})

t.test('a reader given only public keys needs no signing key and makes none', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'sillage-keys-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const [current, earlier] = [newKey, oldKey].map(k => rawPublicKey(k.publicKey).toString('base64'))
  const config = loadConfig({ SILLAGE_API_KEYS: 'reader-key-000000001:read', SILLAGE_CHECKPOINT_FILE: join(dir, 'cp.ndjson'), SILLAGE_VERIFY_KEYS: `${current}, ${earlier}` })
  const keys = await trustedKeysFor(config)
  t.equal(keyIdOf(keys.current), keyIdOf(newKey.publicKey), 'the first public key is the current one')
  t.equal(keys.current.type, 'public')
  t.ok(keys.verifies(signCheckpoint(body, oldKey.privateKey)))
  t.notOk(existsSync(devKeyPath(config.checkpointFile)), 'no development key was made')
  const served = new IntegrityService({} as IntegrityStore, {} as CheckpointFile, keys).publicKey()
  t.match(served, { keyId: keyIdOf(newKey.publicKey), publicKey: current, pem: /BEGIN PUBLIC KEY/, trusted: [{ publicKey: current }, { publicKey: earlier }] }, 'the public-key route serves them')
  t.throws(() => loadConfig({ SILLAGE_API_KEYS: 'reader-key-000000001:read', SILLAGE_VERIFY_KEYS: `${current},bm9wZQ==` }), /SILLAGE_VERIFY_KEYS key 2 must be/)
})

t.test('signing keys parse from a 32-byte seed and from PEM (literal "\\n" too), and nothing else', async t => {
  const pem = oldKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  t.equal(keyIdOf(createPublicKey(parseSigningKey(pem.replace(/\n/g, '\\n')))), keyIdOf(oldKey.publicKey))
  const seed = Buffer.alloc(32, 7).toString('base64')
  t.equal(parseSigningKey(seed).asymmetricKeyType, 'ed25519')
  t.equal(keyIdOf(createPublicKey(parseSigningKey(seed))), keyIdOf(createPublicKey(parseSigningKey(` ${seed}\n`))), 'surrounding space is ignored')
  t.throws(() => parseSigningKey('c2hvcnQ='), /PKCS#8 PEM or the base64 of a 32-byte Ed25519 seed/)
  t.throws(() => parseSigningKey(seed.slice(0, -2) + '!!'), /32-byte Ed25519 seed/, 'not strict base64')
  t.throws(() => parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), /must be an Ed25519 key, not ec/)
})
