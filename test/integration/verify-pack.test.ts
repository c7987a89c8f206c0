import { t } from '../helpers/file-test.ts'
import { createHash, randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { ZipFile } from 'yazl'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { unzip } from '../unit/export/read-files.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'

const TOOL = fileURLToPath(new URL('../../tools/verify-pack.mjs', import.meta.url))
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
type Files = Map<string, Buffer>
interface Manifest { files: Array<{ path: string, sha256: string, bytes: number }>, events_sha256: string, masked?: boolean, integrity?: { missing?: Array<{ event_id: string, reason: string }> } }

let stack: Stack
let dir: string
let publicKey: string
let keyId: string
let pack: Files
const event = (tenant: string, i: number, user: string): Record<string, unknown> => {
  const e = makeEvent(`vp-${tenant}`, i)
  return { ...e, user: { id: user }, audit: { ...(e.audit as object), tenant } }
}
const get = async (url: string, key = KEYS.aRead) => await stack.api.app.inject({ method: 'GET', url, headers: auth(key) })

async function ingestAndCheckpoint (events: Array<Record<string, unknown>>, total: number): Promise<void> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
  if (res.statusCode !== 202) throw new Error(res.body)
  await stack.waitForCount(total)
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  for (let i = 0; i < 300 && await store.leafCount() < total; i++) { await sleep(100); await store.refresh() }
  await stack.indexer?.sealing?.checkpointNow()
}

/** The tool's verdict on a file, with the given public key (the service's by default). */
async function tool (args: string[], cwd?: string): Promise<{ code: number, out: string[], err: string }> {
  return await new Promise(resolve => {
    execFile(process.execPath, [cwd === undefined ? TOOL : join(cwd, 'verify-pack.mjs'), ...args], { cwd: cwd ?? dir }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code), out: stdout.split('\n').filter(Boolean), err: stderr })
    })
  })
}

/** A pack rebuilt with changed files; with `rehash`, its manifest is made to agree with them, as a forger would. */
async function repack (name: string, change: (files: Files) => void, rehash = false): Promise<string> {
  const files = new Map(pack)
  change(files)
  if (rehash) {
    const manifest = JSON.parse((files.get('manifest.json') as Buffer).toString()) as Manifest
    manifest.files = manifest.files.filter(f => files.has(f.path)).map(f => ({ ...f, sha256: sha256(files.get(f.path) as Buffer), bytes: (files.get(f.path) as Buffer).length }))
    manifest.events_sha256 = sha256(files.get('events.ndjson') as Buffer)
    files.set('manifest.json', Buffer.from(JSON.stringify(manifest)))
  }
  const zip = new ZipFile()
  for (const [path, data] of files) zip.addBuffer(data, path)
  zip.end()
  const chunks: Buffer[] = []
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer)
  const path = join(dir, `${name}.zip`)
  await writeFile(path, Buffer.concat(chunks))
  return path
}

const lines = (files: Files, path: string): string[] => (files.get(path) as Buffer).toString().split('\n').filter(Boolean)
const setLines = (files: Files, path: string, l: string[]): void => { files.set(path, Buffer.from(l.map(x => x + '\n').join(''))) }
const manifestOf = (files: Files): Manifest => JSON.parse((files.get('manifest.json') as Buffer).toString()) as Manifest
const digest = (path: string, files: Files = pack): string => sha256(files.get(path) as Buffer)

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sillage-verify-pack-'))
  stack = await startStack(t, { env: { SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64'), SILLAGE_CHECKPOINT_MS: '3600000', SILLAGE_EXPORT_DIR: dir } })
  await ingestAndCheckpoint([...Array.from({ length: 12 }, (_, i) => event('brand-a', i, 'u-pack')), ...Array.from({ length: 6 }, (_, i) => event('brand-a', 100 + i, 'u-other')), ...Array.from({ length: 5 }, (_, i) => event('brand-b', i, 'u-pack'))], 23)
  const key = (await get('/v1/integrity/public-key')).json() as { publicKey: string, keyId: string }
  publicKey = key.publicKey
  keyId = key.keyId
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.aRead), payload: { userId: 'u-pack', title: 'Case 42' } })
  if (res.statusCode !== 200) throw new Error(res.body)
  pack = await unzip(res.rawPayload)
  await writeFile(join(dir, 'pack.zip'), res.rawPayload)
})
t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })

t.test('an untouched pack verifies, with the key given raw, as a PEM file or as the service\'s JSON', async t => {
  t.equal(lines(pack, 'integrity/proofs.ndjson').length, 12, 'every event of the pack has its proof')
  const ok = await tool(['pack.zip', '--public-key', publicKey])
  t.equal(ok.code, 0, ok.out.join('\n') + ok.err)
  t.same(ok.out, ['OK pack.zip: every file matches manifest.json; 12 events, 12 inclusion proofs verified against checkpoint brand-a#18'])
  const pem = (await get('/v1/integrity/public-key')).json().pem as string
  await writeFile(join(dir, 'key.pem'), pem)
  await writeFile(join(dir, 'key.json'), (await get('/v1/integrity/public-key')).body)
  t.equal((await tool(['pack.zip', '--public-key', 'key.pem'])).code, 0, 'PEM file')
  t.equal((await tool(['pack.zip', '--public-key', 'key.json'])).code, 0, 'the route\'s JSON')
  const usage = await tool(['pack.zip'])
  t.equal(usage.code, 2, 'no key: the pack\'s own key proves nothing')
  t.match(usage.err, /usage/)
})

t.test('each corruption is reported precisely, and the tool exits 1', async t => {
  const ev = lines(pack, 'events.ndjson')
  const target = JSON.parse(ev[3] as string) as { event: { id: string, action: string } }
  const id = target.event.id
  const byteChanged = (files: Files): void => { setLines(files, 'events.ndjson', ev.map((l, i) => i === 3 ? l.replace(`"action":"${target.event.action}"`, `"action":"${target.event.action.slice(0, -1)}X"`) : l)) }
  const proofs = lines(pack, 'integrity/proofs.ndjson')
  const firstProof = JSON.parse(proofs[0] as string) as { event_id: string, proof: { auditPath: string[], checkpoint: { root: string, signature: string } } }
  const proofChanged = (edit: (p: typeof firstProof.proof) => void) => (files: Files): void => {
    const p = structuredClone(firstProof)
    edit(p.proof)
    setLines(files, 'integrity/proofs.ndjson', [JSON.stringify(p), ...proofs.slice(1)])
  }
  const flip = (h: string): string => (h[0] === '0' ? '1' : '0') + h.slice(1)
  const root = firstProof.proof.checkpoint.root

  const cases: Array<[string, string, RegExp[]]> = [
    ['event-byte', await repack('event-byte', byteChanged), [
      /^FAIL events\.ndjson: has SHA-256 [0-9a-f]{64}, manifest\.json says [0-9a-f]{64}$/,
      /^FAIL events\.ndjson: has SHA-256 [0-9a-f]{64}, manifest\.json events_sha256 says [0-9a-f]{64}$/,
      new RegExp(`^FAIL events\\.ndjson, event ${id}: hashes to leaf [0-9a-f]{64}, but its proof is for leaf [0-9a-f]{64}: the event is not the one that was sealed$`)]],
    ['event-byte-forged-digests', await repack('event-byte-forged', byteChanged, true), [
      new RegExp(`^FAIL events\\.ndjson, event ${id}: hashes to leaf`)]],
    ['proof-hash', await repack('proof-hash', proofChanged(p => { p.auditPath[0] = flip(p.auditPath[0] as string) }), true), [
      new RegExp(`^FAIL integrity/proofs\\.ndjson, event ${firstProof.event_id}: has an audit path leading to root [0-9a-f]{64}, not to the root ${root} of its checkpoint brand-a#18$`)]],
    ['manifest-digest', await repack('manifest-digest', files => {
      const m = manifestOf(files)
      m.files = m.files.map(f => f.path === 'summary.json' ? { ...f, sha256: flip(f.sha256) } : f)
      files.set('manifest.json', Buffer.from(JSON.stringify(m)))
    }), [new RegExp(`^FAIL summary\\.json: has SHA-256 ${digest('summary.json')}, manifest\\.json says ${flip(digest('summary.json'))}$`)]],
    ['signature', await repack('signature', proofChanged(p => { p.checkpoint.signature = Buffer.alloc(64, 7).toString('base64') }), true), [
      new RegExp(`^FAIL integrity/proofs\\.ndjson, event ${firstProof.event_id}: its checkpoint brand-a#18 has a signature that does not verify with the given public key ${keyId}$`)]],
    ['missing-file', await repack('missing-file', files => { files.delete('report.pdf') }), [
      /^FAIL report\.pdf: is missing from the pack \(manifest\.json lists it\)$/]]
  ]
  for (const [name, path, expected] of cases) {
    const r = await tool([path, '--public-key', publicKey])
    t.equal(r.code, 1, `${name}: exit status 1`)
    const fails = r.out.filter(l => l.startsWith('FAIL'))
    t.equal(fails.length, expected.length, `${name}: ${expected.length} failure(s)\n${r.out.join('\n')}`)
    expected.forEach((re, i) => t.match(fails[i], re, `${name}: ${re.source.slice(0, 60)}`))
    t.equal(r.out.at(-1), `${expected.length} problem(s) found`)
  }

  // The manifest is not signed: what it says of proofs cannot make the tool take anything on trust.
  const claimedMasked = await repack('claimed-masked', files => {
    byteChanged(files)
    const m = manifestOf(files)
    m.masked = true
    files.set('manifest.json', Buffer.from(JSON.stringify(m)))
  }, true)
  const masked = await tool([claimedMasked, '--public-key', publicKey])
  t.equal(masked.code, 1, masked.out.join('\n'))
  t.match(masked.out.filter(l => l.startsWith('FAIL')), [/^FAIL integrity\/proofs\.ndjson: holds proofs, but manifest\.json says the pack is masked/])
  const unproven = await repack('proof-dropped', files => {
    byteChanged(files)
    setLines(files, 'integrity/proofs.ndjson', proofs.filter(l => !l.includes(`"event_id":"${id}"`)))
    const m = manifestOf(files)
    m.integrity = { ...m.integrity, missing: [...(m.integrity?.missing ?? []), { event_id: id, reason: 'not checkpointed yet' }] }
    files.set('manifest.json', Buffer.from(JSON.stringify(m)))
  }, true)
  const dropped = await tool([unproven, '--public-key', publicKey])
  t.equal(dropped.code, 3, dropped.out.join('\n'))
  t.match(dropped.out.at(-1), /^NOT PROVEN .*proof-dropped\.zip: every file matches manifest\.json; 11 of 12 events proven against checkpoint brand-a#18; the other 1 have no proof/)

  const other = await tool(['pack.zip', '--public-key', randomBytes(32).toString('base64')])
  t.equal(other.code, 1)
  t.match(other.out[0], /^FAIL integrity\/proofs\.ndjson, events [^,]+, [^,]+, [^ ]+ and 9 more: its checkpoint brand-a#18 is signed by key [0-9a-f]{16}, which is not among the public keys given$/, 'another key: one line per checkpoint')
})

t.test('the tool imports nothing but node: builtins, and runs alone from an empty directory', async t => {
  const source = await readFile(TOOL, 'utf8')
  const specifiers = [...source.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]?([^'")]+)|require\s*\(\s*['"]?([^'")]+)/gm)].map(m => m[1] ?? m[2] ?? m[3])
  t.ok(specifiers.length >= 4, `${specifiers.length} imports found`)
  t.same(specifiers.filter(s => !s?.startsWith('node:')), [], 'every import is a node: builtin')
  t.notOk(/\bimport\s*\(|\brequire\s*\(/.test(source), 'no dynamic import or require')
  const alone = await mkdtemp(join(tmpdir(), 'sillage-tool-alone-'))
  try {
    await copyFile(TOOL, join(alone, 'verify-pack.mjs'))
    await copyFile(join(dir, 'pack.zip'), join(alone, 'pack.zip'))
    const r = await tool(['pack.zip', '--public-key', publicKey], alone)
    t.equal(r.code, 0, r.out.join('\n') + r.err)
  } finally {
    await rm(alone, { recursive: true, force: true })
  }
})

t.test('consistency: the checkpoint held is extended by the newer one; a forged proof or checkpoint is reported', async t => {
  const held = await get('/v1/integrity/checkpoint')
  t.equal(held.statusCode, 200, held.body)
  await writeFile(join(dir, 'held.json'), held.body)
  await ingestAndCheckpoint(Array.from({ length: 7 }, (_, i) => event('brand-a', 200 + i, 'u-later')), 30)
  const answer = await get('/v1/integrity/consistency?from=18')
  t.equal(answer.statusCode, 200, answer.body)
  const c = answer.json() as { to: number, proof: string[], new: { root: string } }
  t.equal(c.to, 25)
  await writeFile(join(dir, 'consistency.json'), answer.body)
  const ok = await tool(['consistency', 'held.json', 'consistency.json', '--public-key', publicKey])
  t.equal(ok.code, 0, ok.out.join('\n'))
  t.match(ok.out[0], /^OK checkpoint brand-a#25 \(root [0-9a-f]{64}\) extends the checkpoint brand-a#18 held/)
  await writeFile(join(dir, 'new.json'), JSON.stringify(answer.json().new))
  await writeFile(join(dir, 'proof.json'), JSON.stringify(c.proof))
  t.equal((await tool(['consistency', 'held.json', 'new.json', '--proof', 'proof.json', '--public-key', publicKey])).code, 0, 'the newer checkpoint and the proof as separate files')

  await writeFile(join(dir, 'bad-proof.json'), JSON.stringify({ ...answer.json(), proof: [createHash('sha256').update('x').digest('hex'), ...c.proof.slice(1)] }))
  const bad = await tool(['consistency', 'held.json', 'bad-proof.json', '--public-key', publicKey])
  t.equal(bad.code, 1)
  t.same(bad.out.filter(l => l.startsWith('FAIL')), [`FAIL bad-proof.json: has a consistency proof that does not lead from root ${held.json().root} (size 18) to root ${c.new.root} (size 25): the newer checkpoint does not extend the one held`])
  await writeFile(join(dir, 'forged.json'), JSON.stringify({ ...held.json(), root: createHash('sha256').update('forged').digest('hex') }))
  const forged = await tool(['consistency', 'forged.json', 'consistency.json', '--public-key', publicKey])
  t.equal(forged.code, 1)
  t.match(forged.out, [/^FAIL forged\.json: its checkpoint brand-a#18 has a signature that does not verify/, /^FAIL consistency\.json: proves from the checkpoint of size 18 with root [0-9a-f]{64}, not from the one held/, /^FAIL consistency\.json: has a consistency proof that does not lead/])
})
