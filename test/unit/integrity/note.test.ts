import t from 'tap'
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify, type KeyObject } from 'node:crypto'
import {
  checkpointNoteText, formatNote, noteKeyId, noteNameProblem, noteVerifierKey, parseCheckpointText, parseNote, signNoteText, tenantOrigin, verifyNote
} from '../../../src/integrity/note.ts'
import { signCheckpoint, verifyCheckpoint } from '../../../src/integrity/checkpoint.ts'

const seedKey = (seed: Buffer) => createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' })
const rawOf = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url')

t.test('the reference example of golang.org/x/mod/sumdb/note is reproduced byte for byte', async t => {
  // Signer key "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEK…": 0x01 then the 32-byte Ed25519 seed.
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1)
  const key = seedKey(seed)
  const pub = createPublicKey(key)
  const text = 'If you think cryptography is the answer to your problem,\nthen you don\'t know what your problem is.\n'
  t.equal(noteVerifierKey('PeterNeumann', pub), 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')
  const note = formatNote(text, 'PeterNeumann', pub, signNoteText(text, key))
  t.equal(note, text + '\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n')
  t.ok(verifyNote(note, 'PeterNeumann', pub))
  t.notOk(verifyNote(note.replace('cryptography', 'cryptographY'), 'PeterNeumann', pub), 'one changed letter')
})

t.test('a checkpoint note follows tlog-checkpoint and signed-note, checked with node:crypto alone', async t => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const root = createHash('sha256').update('root').digest('hex')
  const origin = tenantOrigin('audit.example.com/sillage', 'brand-a')
  const cp = signCheckpoint({ tenant: 'brand-a', size: 1234, root, time: '2026-11-26T14:03:00.000Z' }, privateKey, origin)
  t.equal(cp.origin, 'audit.example.com/sillage/brand-a')
  const text = checkpointNoteText(origin, cp.size, cp.root)
  t.equal(text, `audit.example.com/sillage/brand-a\n1234\n${Buffer.from(root, 'hex').toString('base64')}\n`, 'origin, decimal size, base64 root, each line ending in a newline')
  const note = formatNote(text, origin, publicKey, cp.noteSignature as string)

  // Read it back by the spec's rules, independently of the module's parser.
  const [body, sigs] = note.split('\n\n') as [string, string]
  t.equal(body + '\n', text, 'the text, then one blank line')
  const lines = sigs.split('\n')
  t.equal(lines.pop(), '', 'the signature line ends in a newline')
  t.equal(lines.length, 1)
  const m = /^\u2014 (\S+) (\S+)$/.exec(lines[0] as string)
  t.ok(m, 'em dash, space, key name, space, base64')
  t.equal(m?.[1], origin, 'the key name is the origin')
  const bytes = Buffer.from(m?.[2] as string, 'base64')
  t.equal(bytes.length, 68, '4-byte key id and a 64-byte Ed25519 signature')
  const keyHash = createHash('sha256').update(Buffer.concat([Buffer.from(origin), Buffer.from([0x0a, 0x01]), rawOf(publicKey)])).digest().subarray(0, 4)
  t.same(bytes.subarray(0, 4), keyHash, 'key id = SHA-256(name || 0x0A || 0x01 || public key)[:4]')
  t.same(noteKeyId(origin, publicKey), keyHash)
  t.ok(verify(null, Buffer.from(text), publicKey, bytes.subarray(4)), 'the signature covers the text with its final newline')
  t.notOk([...note].some(c => c < ' ' && c !== '\n'), 'no control character but newline')

  t.ok(verifyNote(note, origin, publicKey))
  t.notOk(verifyNote(note, 'other.example/log', publicKey), 'another key name')
  t.notOk(verifyNote(note, origin, generateKeyPairSync('ed25519').publicKey), 'another key')
  t.notOk(verifyNote(note.replace('\n1234\n', '\n1235\n'), origin, publicKey), 'another size')
  t.same(parseCheckpointText(parseNote(note).text), { origin, size: 1234, root, extensions: [] }, 'origin, size and root parse back')
  t.ok(verifyCheckpoint(cp, publicKey), 'the JSON and the note signature both verify')
  t.notOk(verifyCheckpoint({ ...cp, noteSignature: signNoteText(checkpointNoteText(origin, 1, root), privateKey) }, publicKey), 'a note signature of another size')
  t.notOk(verifyCheckpoint({ ...cp, origin: 'elsewhere/brand-a' }, publicKey), 'another origin')
  const { origin: _o, ...withoutNote } = cp
  t.notOk(verifyCheckpoint(withoutNote, publicKey), 'a note signature without its origin')
})

t.test('origins and parsing follow the spec\'s restrictions', async t => {
  t.equal(noteNameProblem('example.com/log42'), undefined)
  for (const bad of ['', 'has space', 'a+b', 'tab\there', '{"root"', 'x'.repeat(201), 'no\u00a0break']) t.ok(noteNameProblem(bad), JSON.stringify(bad))
  t.throws(() => checkpointNoteText('bad origin', 1, 'ab'.repeat(32)), /origin/)
  t.throws(() => checkpointNoteText('o', -1, 'ab'.repeat(32)))
  t.throws(() => checkpointNoteText('o', 1, 'abc'), /SHA-256/)
  t.equal(checkpointNoteText('o', 0, 'ab'.repeat(32)).split('\n')[1], '0', 'an empty tree is size 0')
  for (const text of ['o\n01\nq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=\n', 'o\n1\nshort\n', 'o\n1\n', 'o\n1\n\nx\n']) t.throws(() => parseCheckpointText(text), JSON.stringify(text))
  t.same(parseCheckpointText('o\n7\nq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=\next\n').extensions, ['ext'])
  for (const note of ['text\n\u2014 k abc=\n', 'text\n\nnot a signature\n', 'text\n\n\u2014 k AAAA\n', 'te\u0001xt\n\n\u2014 k AAAAAAAA\n', 'text\n\n\u2014 k AAAAAAAA']) t.throws(() => parseNote(note), JSON.stringify(note))
  t.same(parseNote('a\n\nb\n\n\u2014 k AAAAAAAA\n').text, 'a\n\nb\n', 'split at the last blank line')
})
