import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { checkSignature, rootFromPath, signatureValid } from '../../../console/src/features/integrity/proof.ts'
import { keyIdOf, rawPublicKey, signCheckpoint } from '../../../src/integrity/checkpoint.ts'
import { auditPathSpans, leafHash, treeHash } from '../../../src/integrity/merkle.ts'

const leaves = Array.from({ length: 40 }, (_, i) => leafHash(`event ${i}`))

t.test('the console recomputes the root of every audit path the service makes, for every tree size up to 40', async t => {
  for (let n = 1; n <= leaves.length; n++) {
    const root = treeHash(leaves, 0, n).toString('hex')
    for (let m = 0; m < n; m++) {
      const path = auditPathSpans(m, n).map(([a, b]) => treeHash(leaves, a, b).toString('hex'))
      const got = await rootFromPath(m, n, (leaves[m] as Buffer).toString('hex'), path)
      if (got !== root) t.fail(`leaf ${m} of ${n}: ${got} instead of ${root}`)
    }
  }
  t.pass('every path leads to its root')
})

t.test('a path of the wrong length, position or content does not lead to the root', async t => {
  const n = 13
  const root = treeHash(leaves, 0, n).toString('hex')
  const path = auditPathSpans(5, n).map(([a, b]) => treeHash(leaves, a, b).toString('hex'))
  const leaf = (leaves[5] as Buffer).toString('hex')
  t.equal(await rootFromPath(5, n, leaf, path), root)
  t.not(await rootFromPath(6, n, leaf, path), root, 'another position')
  t.equal(await rootFromPath(5, n, leaf, path.slice(1)), null, 'a step missing')
  t.equal(await rootFromPath(5, n, leaf, [...path, path[0] as string]), null, 'a step too many')
  t.not(await rootFromPath(5, n, (leaves[4] as Buffer).toString('hex'), path), root, 'another leaf')
  t.equal(await rootFromPath(13, n, leaf, path), null, 'beyond the tree')
})

t.test('the console checks a checkpoint signature as the service makes it', async t => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const checkpoint = signCheckpoint({ tenant: 'brand-a', size: 13, root: treeHash(leaves, 0, 13).toString('hex'), time: '2026-11-26T15:26:23.796Z' }, privateKey)
  const key = rawPublicKey(publicKey).toString('base64')
  t.equal(await signatureValid(checkpoint, key), true)
  t.equal(await signatureValid({ ...checkpoint, size: 14 }, key), false, 'a changed size')
  const other = rawPublicKey(generateKeyPairSync('ed25519').publicKey).toString('base64')
  t.equal(await signatureValid(checkpoint, other), false, 'another key')
})

t.test('a checkpoint is checked with the trusted key of the id it names, never with a key sent beside it', async t => {
  const service = generateKeyPairSync('ed25519')
  const forger = generateKeyPairSync('ed25519')
  const trusted = [{ keyId: keyIdOf(service.publicKey), publicKey: rawPublicKey(service.publicKey).toString('base64') }]
  const fields = { tenant: 'brand-a', size: 13, root: treeHash(leaves, 0, 13).toString('hex'), time: '2026-11-26T15:26:23.796Z' }
  t.equal(await checkSignature(signCheckpoint(fields, service.privateKey), trusted), 'valid')
  const forged = signCheckpoint(fields, forger.privateKey)
  t.equal(await signatureValid(forged, rawPublicKey(forger.publicKey).toString('base64')), true, 'it verifies with the key an answer could carry')
  t.equal(await checkSignature(forged, trusted), 'untrusted', 'but that key is not trusted')
  t.equal(await checkSignature({ ...forged, keyId: trusted[0]?.keyId as string }, trusted), 'invalid', 'nor does naming the trusted key help')
})
