import t from 'tap'
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { checkpointMessage, keyIdOf, rawPublicKey, signCheckpoint, verifyCheckpoint } from '../../../src/integrity/checkpoint.ts'
import { loadOrCreateDevKey, parseSigningKey, signingKeyFor } from '../../../src/integrity/signing-key.ts'
import { CheckpointFile } from '../../../src/integrity/checkpoint-file.ts'

const body = { tenant: 'brand-a', size: 42, root: 'ab'.repeat(32), time: '2026-11-26T14:03:00.000Z' }

t.test('a checkpoint is signed over canonical JSON of its four fields, and any change breaks it', async t => {
  const key = parseSigningKey(randomBytes(32).toString('base64'))
  const cp = signCheckpoint(body, key)
  t.equal(checkpointMessage(body).toString(), `{"root":"${body.root}","size":42,"tenant":"brand-a","time":"2026-11-26T14:03:00.000Z"}`)
  const pub = createPublicKey(key)
  t.ok(verifyCheckpoint(cp, pub))
  t.ok(verify(null, Buffer.from(JSON.stringify({ root: body.root, size: 42, tenant: 'brand-a', time: body.time })), pub, Buffer.from(cp.signature, 'base64')), 'anyone can rebuild the signed bytes')
  for (const changed of [{ size: 43 }, { root: 'cd'.repeat(32) }, { tenant: 'brand-b' }, { time: '2026-11-26T14:03:01.000Z' }, { signature: Buffer.alloc(64).toString('base64') }, { signature: 'not base64!' }]) {
    t.notOk(verifyCheckpoint({ ...cp, ...changed }, pub), `changed ${Object.keys(changed)[0]}`)
  }
  t.notOk(verifyCheckpoint(cp, createPublicKey(generateKeyPairSync('ed25519').privateKey)), 'another key')
  t.equal(cp.keyId, keyIdOf(pub))
  t.match(cp.keyId, /^[0-9a-f]{16}$/)
  t.equal(rawPublicKey(key).length, 32)
})

t.test('signing keys: PKCS#8 PEM or a base64 seed, nothing else', async t => {
  const seed = randomBytes(32)
  const fromSeed = parseSigningKey(seed.toString('base64'))
  const pem = fromSeed.export({ format: 'pem', type: 'pkcs8' }).toString()
  t.equal(keyIdOf(parseSigningKey(pem)), keyIdOf(fromSeed), 'the PEM of a seed is the same key')
  t.equal(keyIdOf(parseSigningKey(pem.replace(/\n/g, '\\n'))), keyIdOf(fromSeed), 'PEM with escaped newlines, as environment files carry it')
  t.throws(() => parseSigningKey(randomBytes(31).toString('base64')), /32-byte/)
  t.throws(() => parseSigningKey('not a key'), /PKCS#8 PEM/)
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()
  t.throws(() => parseSigningKey(rsa), /Ed25519/)
})

t.test('the development key is made once and shared, even by concurrent starts', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'sillage-key-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'nested', 'signing-key.pem')
  const [a, b] = await Promise.all([loadOrCreateDevKey(path), loadOrCreateDevKey(path)])
  t.equal(keyIdOf(a.key), keyIdOf(b.key))
  t.equal([a.created, b.created].filter(Boolean).length, 1)
  t.equal(keyIdOf((await loadOrCreateDevKey(path)).key), keyIdOf(a.key))
  const warnings: string[] = []
  const key = await signingKeyFor(undefined, join(dir, 'nested', 'checkpoints.ndjson'), (_d, m) => warnings.push(m))
  t.equal(keyIdOf(key), keyIdOf(a.key))
  t.match(warnings[0], /SILLAGE_SIGNING_KEY is not set/)
  const configured = randomBytes(32).toString('base64')
  t.equal(keyIdOf(await signingKeyFor(configured, '/nonexistent/x.ndjson', () => t.fail('no warning'))), keyIdOf(parseSigningKey(configured)))
})

t.test('the checkpoint file: appended lines, found per log and tenant; damaged lines count as absent', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'sillage-cp-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const path = join(dir, 'sub', 'checkpoints.ndjson')
  const key = parseSigningKey(randomBytes(32).toString('base64'))
  const file = new CheckpointFile(path, 'prod')
  t.equal(await file.find('brand-a'), undefined, 'no file yet')
  const first = signCheckpoint(body, key)
  const second = signCheckpoint({ ...body, size: 50, time: '2026-11-26T14:04:00.000Z' }, key)
  await file.append(first)
  await new CheckpointFile(path, 'staging').append(signCheckpoint({ ...body, size: 99 }, key))
  await file.append(signCheckpoint({ ...body, tenant: 'brand-b', size: 7 }, key))
  await appendFile(path, '{"log":"prod","tenant":"brand-a","size":\n')
  await file.append(second)
  const found = await file.find('brand-a', first)
  t.same(found?.same, { log: 'prod', ...first })
  t.same(found?.latest, { log: 'prod', ...second }, 'the largest of this log and tenant, not of another log')
  t.equal((await file.find('brand-c'))?.latest, undefined)
  const lines = (await readFile(path, 'utf8')).trim().split('\n')
  t.equal(lines.length, 5)
  t.same(JSON.parse(lines[0] as string), { log: 'prod', ...first })
  await writeFile(path, lines.map(l => l.replace('"size":42', '"size":"42"')).join('\n'))
  t.equal((await file.find('brand-a', first))?.same, undefined, 'a line whose fields have the wrong types is ignored')
})
