import { t } from '../helpers/file-test.ts'
import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { exited, startWorker, workerEnv } from '../helpers/worker-process.ts'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { Queue } from 'bullmq'
import { QUEUES } from '../../src/queue/policy.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices, integrityIndex } from '../../src/store/integrity/integrity-indices.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { Sealer } from '../../src/sealing/sealer.ts'
import { CheckpointFile } from '../../src/integrity/checkpoint-file.ts'
import { parseSigningKey } from '../../src/integrity/signing-key.ts'
import { TrustedKeys } from '../../src/integrity/trusted-keys.ts'
import { IntegrityService } from '../../src/proofs/integrity-service.ts'
import { PLATFORM_SCOPE } from '../../src/auth/read-scope.ts'
import { leafHash, treeHash } from '../../src/integrity/merkle.ts'
import type { LeafRecord } from '../../src/integrity/types.ts'
import { unpackEntries, type SealJobData } from '../../src/queue/seal-payload.ts'
import { canon, sha, thirdPartyVerifies, type Proof } from '../unit/integrity/reference.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SEED = randomBytes(32).toString('base64')
const A = 40
const B = 30

let stack: Stack
let dir: string
let file: string
const get = async (key: string | undefined, url: string) => await stack.api.app.inject({ method: 'GET', url, headers: key === undefined ? {} : auth(key) })
const tenantEvent = (tenant: string, i: number): Record<string, unknown> => {
  const e = makeEvent(tenant, i)
  return { ...e, audit: { ...(e.audit as object), tenant } }
}

async function leavesOf (tenant: string): Promise<LeafRecord[]> {
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  await store.refresh()
  const out: LeafRecord[] = []
  for await (const page of store.leafPages(tenant, 0, 1e9)) out.push(...page)
  return out
}

async function waitForLeaves (expected: number): Promise<void> {
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  for (let i = 0; i < 300; i++) {
    await store.refresh()
    if (await store.leafCount() >= expected) return
    await sleep(100)
  }
  throw new Error(`fewer than ${expected} leaves sealed`)
}

/** The stored block holding a leaf, to alter it as someone with write access to Elasticsearch could. */
async function blockOf (tenant: string, seq: number): Promise<{ id: string, source: Record<string, unknown> & { leaf_hashes: string, leaf_partitions: string, leaf_events: string[], leaf_keys: number[] } }> {
  const r = await stack.es.search({ index: integrityIndex(stack.config.indexPrefix, 'blocks'), query: { bool: { filter: [{ term: { tenant } }, { range: { start: { lte: seq } } }, { range: { end: { gt: seq } } }] } } })
  const hit = r.hits.hits[0]
  if (hit === undefined) throw new Error(`no block holds ${tenant}#${seq}`)
  return { id: hit._id as string, source: hit._source as never }
}

/** A block's packed bytes with entry `at` (of `width` bytes) replaced, or taken out when `by` is null. */
function repack (packed: string, width: number, at: number, by: Buffer | null): string {
  const bytes = Buffer.from(packed, 'base64')
  return Buffer.concat([bytes.subarray(0, at * width), ...(by === null ? [] : [by]), bytes.subarray((at + 1) * width)]).toString('base64')
}

const verifyTenant = async (tenant: string, query = '') => (await get(KEYS.admin, `/v1/integrity/verify?tenant=${tenant}${query}`)).json()

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sillage-integrity-'))
  file = join(dir, 'checkpoints.ndjson')
  stack = await startStack(t, { env: { SILLAGE_CHECKPOINT_FILE: file, SILLAGE_SIGNING_KEY: SEED, SILLAGE_CHECKPOINT_MS: '3600000' } })
  // Interleaved tenants, several requests: the logs grow across many seal jobs.
  for (let from = 0; from < A; from += 10) {
    const events = [...Array.from({ length: 10 }, (_, k) => tenantEvent('brand-a', from + k)), ...(from < B ? Array.from({ length: 10 }, (_, k) => tenantEvent('brand-b', from + k)) : [])]
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
  // A client retry of the first request: duplicates are sealed once.
  await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: Array.from({ length: 10 }, (_, k) => tenantEvent('brand-a', k)) } })
  await stack.waitForCount(A + B)
  await waitForLeaves(A + B)
  const made = await stack.indexer?.sealing?.checkpointNow()
  if (made?.length !== 2) throw new Error(`expected two checkpoints, got ${JSON.stringify(made)}`)
})
t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })

t.test('each tenant has its own log, numbered 0, 1, 2, … with each event once', async t => {
  const a = await leavesOf('brand-a')
  const b = await leavesOf('brand-b')
  t.same(a.map(l => l.seq), Array.from({ length: A }, (_, i) => i))
  t.same(b.map(l => l.seq), Array.from({ length: B }, (_, i) => i))
  t.same(new Set(a.map(l => l.eventId)).size, A)
  t.ok(b.every(l => l.eventId.startsWith('brand-b-')))
  const first = await stack.es.get<Record<string, unknown>>({ index: integrityIndex(stack.config.indexPrefix, 'blocks'), id: 'brand-a:0' })
  t.match(first._source, { tenant: 'brand-a', start: 0, end: Number, count: Number, leaf_events: [a[0]?.eventId], leaf_keys: [Number], partitions: [a[0]?.eventIndex], leaf_hashes: String, leaf_partitions: String, sealed_at: /Z$/ })
  const packed = first._source as { count: number, leaf_hashes: string, leaf_partitions: string }
  t.equal(Buffer.from(packed.leaf_hashes, 'base64').toString('hex', 0, 32), a[0]?.leaf, 'hashes packed 32 bytes each')
  t.equal(Buffer.from(packed.leaf_hashes, 'base64').length, packed.count * 32)
  t.equal(Buffer.from(packed.leaf_partitions, 'base64').readUInt16LE(0), 0, 'partitions packed as 16-bit numbers')
  t.ok(a.every(l => /^[0-9a-f]{64}$/.test(l.leaf) && l.eventIndex.startsWith(`${stack.config.indexPrefix}-events-`)), 'each leaf names its hash and partition')
})

t.test('an untouched log verifies; checkpoints are signed, in the index and in the file', async t => {
  const report = await verifyTenant('brand-a')
  t.same({ ok: report.ok, checked: report.checked, from: report.from, to: report.to, problems: report.problems, size: report.checkpoint.size }, { ok: true, checked: A, from: 0, to: A - 1, problems: [], size: A })
  t.equal((await verifyTenant('brand-b')).ok, true)
  const part = await verifyTenant('brand-a', '&from=5&to=9')
  t.same({ ok: part.ok, checked: part.checked, from: part.from, to: part.to }, { ok: true, checked: 5, from: 5, to: 9 })
  t.equal((await get(KEYS.admin, '/v1/integrity/verify?tenant=brand-a&from=0&to=1000000')).statusCode, 400, 'more than 1,000,000 leaves at once')

  const key = (await get(KEYS.read, '/v1/integrity/public-key')).json()
  t.match(key, { algorithm: 'Ed25519', keyId: /^[0-9a-f]{16}$/, publicKey: String, pem: /BEGIN PUBLIC KEY/ })
  t.equal(key.publicKey, createPublicKey(parseSigningKey(SEED)).export({ format: 'jwk' }).x?.replace(/-/g, '+').replace(/_/g, '/') + '=')
  const lines = (await readFile(file, 'utf8')).trim().split('\n').map(l => JSON.parse(l))
  t.same(lines.map(l => `${l.log}/${l.tenant}/${l.size}`), [`${stack.config.indexPrefix}/brand-a/${A}`, `${stack.config.indexPrefix}/brand-b/${B}`])
  const publicKey = createPublicKey(key.pem)
  for (const line of lines) {
    t.equal(line.keyId, key.keyId, 'the file line names the key')
    t.ok(verify(null, Buffer.from(JSON.stringify({ root: line.root, size: line.size, tenant: line.tenant, time: line.time })), publicKey, Buffer.from(line.signature, 'base64')), `signature of ${line.tenant}`)
  }
  const stored = await stack.es.get<Record<string, unknown>>({ index: integrityIndex(stack.config.indexPrefix, 'checkpoints'), id: `brand-b:${B}` })
  t.match(stored._source, { tenant: 'brand-b', size: B, root: lines[1].root, time: lines[1].time, key_id: key.keyId, signature: lines[1].signature })
  t.same(await stack.indexer?.sealing?.checkpointNow(), [], 'no new leaves, no new checkpoint')

  const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/sillage.ts', 'verify', '--tenant', 'brand-b'], {
    cwd: ROOT, env: { ...process.env, ...stackEnv() }, stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  cli.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise(resolve => cli.once('exit', resolve))
  t.equal(code, 0, 'the CLI exits 0 on a sound log')
  t.match(JSON.parse(out), { ok: true, tenant: 'brand-b', checked: B })
})

t.test('an inclusion proof verifies with RFC 6962 alone, and fails for a changed byte', async t => {
  const key = (await get(KEYS.read, '/v1/integrity/public-key')).json()
  for (const id of ['brand-a-0', 'brand-a-17', 'brand-a-39', 'brand-b-29']) {
    const res = await get(KEYS.read, `/v1/integrity/proof/${id}`)
    t.equal(res.statusCode, 200, res.body)
    const proof = res.json() as Proof
    const event = (await get(KEYS.read, `/v1/events/${id}`)).json()
    t.ok(thirdPartyVerifies(event, proof, key.publicKey), `proof of ${id} (seq ${proof.seq} of ${proof.treeSize})`)
    t.equal(proof.checkpoint.publicKey, key.publicKey)
    const changed = { ...event, message: `${String(event.message)}.` }
    t.notOk(thirdPartyVerifies(changed, proof, key.publicKey), 'one byte more in the event')
    const forged = { ...proof, checkpoint: { ...proof.checkpoint, size: proof.checkpoint.size + 1 } }
    t.notOk(thirdPartyVerifies(event, forged, key.publicKey), 'a checkpoint field changed')
  }
  t.equal(leafHash(canon({ b: 1, a: [true, null] })).toString('hex'), sha(Buffer.from([0]), Buffer.from('{"a":[true,null],"b":1}')).toString('hex'))
})

t.test('routes: 401 without a key, 403 without the scope, tenants confined', async t => {
  for (const url of ['/v1/integrity/public-key', '/v1/integrity/verify?tenant=brand-a', '/v1/integrity/proof/brand-a-1']) {
    t.equal((await get(undefined, url)).statusCode, 401, url)
  }
  t.equal((await get(KEYS.read, '/v1/integrity/verify?tenant=brand-a')).statusCode, 403, 'verifying needs admin')
  t.equal((await get(KEYS.ingest, '/v1/integrity/proof/brand-a-1')).statusCode, 403, 'proofs need read')
  t.equal((await get(KEYS.aRead, '/v1/integrity/proof/brand-a-1')).statusCode, 200, 'a tenant key proves its own events')
  const foreign = await get(KEYS.aRead, '/v1/integrity/proof/brand-b-1')
  t.equal(foreign.statusCode, 404, 'another tenant\'s event does not exist for it')
  t.equal((await get(KEYS.aAdmin, '/v1/integrity/verify?tenant=brand-b')).statusCode, 403, 'a tenant admin verifies its own tenant only')
  const own = await get(KEYS.aAdmin, '/v1/integrity/verify')
  t.equal(own.statusCode, 200)
  t.match(own.json(), { tenant: 'brand-a', ok: true })
  t.equal((await get(KEYS.admin, '/v1/integrity/verify')).statusCode, 400, 'a platform key names the tenant')
  t.equal((await get(KEYS.read, '/v1/integrity/proof/no-such-event')).statusCode, 404)
})

t.test('an event sealed after the last checkpoint has no proof yet', async t => {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: tenantEvent('brand-c', 0) })
  t.equal(res.statusCode, 202)
  await waitForLeaves(A + B + 1)
  const early = await get(KEYS.read, '/v1/integrity/proof/brand-c-0')
  t.equal(early.statusCode, 404)
  t.match(early.json().message, /sealed at seq 0 but no checkpoint covers it yet/)
  t.match(await stack.indexer?.sealing?.checkpointNow(), [{ tenant: 'brand-c', size: 1 }])
  t.equal((await get(KEYS.read, '/v1/integrity/proof/brand-c-0')).statusCode, 200)
})

t.test('edited, deleted, inserted and swapped events are each named with their kind and position', async t => {
  const leaves = await leavesOf('brand-a')
  const docOf = async (l: LeafRecord) => (await stack.es.get<Record<string, unknown>>({ index: l.eventIndex, id: eventDocId(l.tenant, l.eventId) }))._source as Record<string, unknown>
  const at = (seq: number) => leaves[seq] as LeafRecord
  const [edited, gone] = [at(3), at(7)]
  const pair = leaves.filter(l => l.seq > 7).find((l, _, all) => all.some(o => o.seq > l.seq && o.eventIndex === l.eventIndex)) as LeafRecord
  const other = leaves.find(o => o.seq > pair.seq && o.eventIndex === pair.eventIndex) as LeafRecord
  const es = stack.es

  const before = await docOf(edited)
  await es.index({ index: edited.eventIndex, id: eventDocId(edited.tenant, edited.eventId), document: { ...before, message: 'nothing to see here' }, refresh: true })
  await es.delete({ index: gone.eventIndex, id: eventDocId(gone.tenant, gone.eventId), refresh: true })
  const [x, y] = [await docOf(pair), await docOf(other)]
  await es.index({ index: pair.eventIndex, id: eventDocId(pair.tenant, pair.eventId), document: y, refresh: true })
  await es.index({ index: other.eventIndex, id: eventDocId(other.tenant, other.eventId), document: x, refresh: true })
  const template = await docOf(at(20))
  const old = new Date(Date.now() - 3600_000).toISOString()
  await es.index({ index: at(20).eventIndex, id: 'intruder-1', document: { ...template, event: { ...(template.event as object), id: 'intruder-1', ingested: old } }, refresh: true })

  const report = await verifyTenant('brand-a')
  t.equal(report.ok, false)
  t.equal(report.checked, A)
  const seen = report.problems.map((p: { kind: string, seq?: number, eventId?: string, foundSeq?: number, index?: string }) => [p.kind, p.seq, p.eventId, p.foundSeq, p.index])
  t.same(seen, [
    ['modified', 3, edited.eventId, undefined, edited.eventIndex],
    ['deleted', 7, gone.eventId, undefined, gone.eventIndex],
    ['reordered', pair.seq, pair.eventId, other.seq, pair.eventIndex],
    ['reordered', other.seq, other.eventId, pair.seq, other.eventIndex],
    ['inserted', undefined, 'intruder-1', undefined, at(20).eventIndex]
  ])
  const b = await verifyTenant('brand-b')
  t.same({ ok: b.ok, problems: b.problems }, { ok: true, problems: [] }, 'the other tenant is unaffected')
  const part = await verifyTenant('brand-a', '&from=0&to=5')
  t.same(part.problems.filter((p: { kind: string }) => p.kind !== 'inserted').map((p: { kind: string, seq: number }) => `${p.kind}@${p.seq}`), ['modified@3'], 'a range reports what is in it')

  // The proof still stands for the sealed event; the edited document no longer matches it.
  const key = (await get(KEYS.read, '/v1/integrity/public-key')).json()
  const proof = (await get(KEYS.read, `/v1/integrity/proof/${edited.eventId}`)).json() as Proof
  t.notOk(thirdPartyVerifies((await get(KEYS.read, `/v1/events/${edited.eventId}`)).json(), proof, key.publicKey))
  t.ok(thirdPartyVerifies(before, proof, key.publicKey), 'the original verifies')
})

t.test('altered checkpoints and leaves are reported', async t => {
  const es = stack.es
  const cpIndex = integrityIndex(stack.config.indexPrefix, 'checkpoints')
  const leafIndex = integrityIndex(stack.config.indexPrefix, 'blocks')
  const kinds = (r: { problems: Array<{ kind: string, source?: string, seq?: number }> }): string[] => r.problems.map(p => `${p.kind}${p.source === undefined ? '' : `/${p.source}`}${p.seq === undefined ? '' : `@${p.seq}`}`)
  const original = (await es.get<Record<string, unknown>>({ index: cpIndex, id: `brand-b:${B}` }))._source as Record<string, unknown>

  await es.index({ index: cpIndex, id: `brand-b:${B}`, document: { ...original, root: 'f'.repeat(64) }, refresh: true })
  t.same(kinds(await verifyTenant('brand-b')), ['bad_signature/index', 'checkpoint_mismatch/file'], 'root changed in the index')
  await es.index({ index: cpIndex, id: `brand-b:${B}`, document: original, refresh: true })

  const text = await readFile(file, 'utf8')
  await writeFile(file, text.replace(`"tenant":"brand-b","size":${B},"root":"`, `"tenant":"brand-b","size":${B},"root":"0`))
  t.same(kinds(await verifyTenant('brand-b')), ['bad_signature/file', 'checkpoint_mismatch/file'], 'root changed in the file')
  await writeFile(file, text.replace(/^.*"tenant":"brand-b".*\n/m, ''))
  t.same(kinds(await verifyTenant('brand-b')), ['checkpoint_mismatch/file'], 'line removed from the file')
  await writeFile(file, text)
  t.equal((await verifyTenant('brand-b')).ok, true, 'restored')

  // Blocks altered in place: a leaf hash rewritten, then a leaf taken out (the rest of its block moves up one).
  const five = await blockOf('brand-b', 5)
  const offset = 5 - (five.source.start as number)
  await es.index({ index: leafIndex, id: five.id, document: { ...five.source, leaf_hashes: repack(five.source.leaf_hashes, 32, offset, leafHash('forged')) }, refresh: true })
  t.same(kinds(await verifyTenant('brand-b')), ['leaf_log_altered', 'modified@5'], 'a leaf rewritten: its event no longer matches and the root breaks')
  await es.index({ index: leafIndex, id: five.id, document: five.source, refresh: true })
  const eight = await blockOf('brand-b', 8)
  const at = 8 - (eight.source.start as number)
  const without = <T>(list: T[]): T[] => list.filter((_, i) => i !== at)
  const removed = eight.source.leaf_events[at]
  await es.index({
    index: leafIndex, id: eight.id, refresh: true,
    document: { ...eight.source, end: (eight.source.end as number) - 1, count: (eight.source.count as number) - 1, leaf_hashes: repack(eight.source.leaf_hashes, 32, at, null), leaf_events: without(eight.source.leaf_events), leaf_keys: without(eight.source.leaf_keys), leaf_partitions: repack(eight.source.leaf_partitions, 2, at, null) }
  })
  const r = await verifyTenant('brand-b')
  // The block now ends one short of the next: a hole there too; or, when it was the log's last, the log is
  // one leaf short of what its checkpoint signed.
  const hole = eight.source.end === B ? ['leaf_log_altered'] : [`leaf_log_altered@${(eight.source.end as number) - 1}`]
  t.same(kinds(r), ['leaf_log_altered', ...hole, 'inserted'], 'a leaf removed: the root breaks, and its event is outside the log')
  t.equal(r.problems.at(-1).eventId, removed)
  await es.index({ index: leafIndex, id: eight.id, document: eight.source, refresh: true })
  t.equal((await verifyTenant('brand-b')).ok, true, 'restored')
})

t.test('after a signing-key rotation, earlier checkpoints verify while their key is trusted', async t => {
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  const checkpoints = new CheckpointFile(file, stack.config.indexPrefix)
  const earlier = createPublicKey(parseSigningKey(SEED))
  const next = generateKeyPairSync('ed25519').publicKey
  const verifyWith = async (keys: TrustedKeys) => await new IntegrityService(store, checkpoints, keys).verify('brand-b', {}, PLATFORM_SCOPE)
  const kept = await verifyWith(new TrustedKeys(next, [earlier]))
  t.same({ ok: kept.ok, problems: kept.problems, size: kept.checkpoint?.size }, { ok: true, problems: [], size: B }, 'the earlier key in SILLAGE_VERIFY_KEYS')
  const dropped = await verifyWith(new TrustedKeys(next))
  t.same(dropped.problems.map(p => `${p.kind}/${p.source ?? ''}`), ['bad_signature/index', 'bad_signature/file'], 'the earlier key forgotten: its checkpoints are not trusted')
})

t.test('the sealer never reuses nor skips a number: retries, another sealer, an interrupted seal, lost subtree hashes', async t => {
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  const deps = { store, file: new CheckpointFile(join(dir, 'z.ndjson'), stack.config.indexPrefix), signingKey: parseSigningKey(SEED), log: pino({ level: 'silent' }) }
  const entry = (i: number) => ({ tenant: 'brand-z', id: `z-${i}`, index: 'somewhere', leaf: leafHash(`z${i}`).toString('hex') })
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => entry(from + k))
  const sealer = new Sealer(deps)
  await t.rejects(sealer.seal([{ ...entry(0), leaf: 'zz'.repeat(32) }]), /the leaf of brand-z\/z-0 is not a SHA-256 hash in hex/, 'a hash that is not 64 hex digits is refused before anything is written')
  t.same(await sealer.seal(range(0, 300)), { sealed: 300, skipped: 0 })
  t.same(await sealer.seal([...range(250, 340), entry(339)], true), { sealed: 40, skipped: 51 }, 'a seal job run again, and a duplicate inside a job')
  t.same(await sealer.seal([...range(330, 340).map(e => ({ ...e, recheck: true as const })), ...range(340, 350)]), { sealed: 10, skipped: 10 }, 'entries of events stored before (duplicates) are looked up')
  t.same(await new Sealer(deps).seal(range(350, 400)), { sealed: 50, skipped: 0 }, 'another process sealed in between')
  sealer.invalidate() // what the owner token makes this process do
  const [cp] = (await sealer.checkpoint()).filter(c => c.tenant === 'brand-z')
  t.equal(cp?.size, 400)
  await sealer.seal(range(400, 405))
  await sealer.seal(range(405, 410))
  await sealer.seal(range(410, 412))
  // A seal interrupted after the checkpoint: the block of 405-409 never stored, the one after it was.
  await stack.es.delete({ index: integrityIndex(stack.config.indexPrefix, 'blocks'), id: 'brand-z:405', refresh: true })
  sealer.invalidate()
  t.same(await sealer.seal(range(412, 414)), { sealed: 2, skipped: 0 }, 'sealed after cutting the log at its hole')
  await sealer.seal(range(405, 410)) // the interrupted job, retried
  await sealer.seal(range(410, 412)) // and the one cut off behind it
  const leaves = await leavesOf('brand-z')
  t.same(leaves.map(l => l.seq), Array.from({ length: 414 }, (_, i) => i), '0 … 413, no hole, no repeat')
  t.equal(new Set(leaves.map(l => l.eventId)).size, 414, 'each event once')
  t.same(leaves.slice(400).map(l => l.eventId), ['z-400', 'z-401', 'z-402', 'z-403', 'z-404', 'z-412', 'z-413', 'z-405', 'z-406', 'z-407', 'z-408', 'z-409', 'z-410', 'z-411'])

  // Two sealers at once (the queue's lock lost to a long pause): the one with the stale view is refused.
  await sealer.seal([entry(414)])
  await new Sealer(deps).seal([entry(415)])
  // Two blocks: the first position is taken, the second lands and must be undone.
  await t.rejects(sealer.seal(range(1000, 2500)), /another sealer already wrote there/, 'a stale sealer cannot write over a position taken')
  await store.refresh()
  t.equal(await store.leafCount('brand-z'), 416, 'nothing of the refused write is left')
  t.same(await sealer.seal(range(1000, 2500), true), { sealed: 1500, skipped: 0 }, 'its retry reloads the log and appends')

  await stack.es.delete({ index: integrityIndex(stack.config.indexPrefix, 'nodes'), id: 'brand-z:8:0', refresh: true })
  const fresh = new Sealer(deps)
  const [last] = (await fresh.checkpoint()).filter(c => c.tenant === 'brand-z')
  t.equal(last?.size, 1916)
  t.equal(last?.root, treeHash((await leavesOf('brand-z')).map(l => Buffer.from(l.leaf, 'hex'))).toString('hex'), 'the signed root is the RFC 6962 root of the leaves')
  t.ok((await stack.es.get({ index: integrityIndex(stack.config.indexPrefix, 'nodes'), id: 'brand-z:8:0' })).found, 'a lost subtree hash is rebuilt')

  // Debris of a write that failed midway past the checkpoint: a block beyond a hole (in the layout before the
  // packing, which is read too). The retried entries (looked up: they were stored before) are found only
  // there, which is not the log: they are sealed.
  const debris = range(3000, 3010)
  await stack.es.index({
    index: integrityIndex(stack.config.indexPrefix, 'blocks'), id: 'brand-z:2000', refresh: true,
    document: { tenant: 'brand-z', start: 2000, end: 2010, count: 10, event_ids: debris.map(e => e.id), partitions: ['somewhere'], partition_of: debris.map(() => 0), leaves: debris.map(e => e.leaf), sealed_at: new Date().toISOString() }
  })
  t.same(await new Sealer(deps).seal(debris.map(e => ({ ...e, recheck: true as const }))), { sealed: 10, skipped: 0 }, 'the log is cut at its hole before looking up')
  const after = await leavesOf('brand-z')
  t.same(after.slice(1916).map(l => `${l.seq}:${l.eventId}`), debris.map((e, i) => `${1916 + i}:${e.id}`), 'sealed where the log ends, the debris gone')

  // A hole and an overlap of the same size past the checkpoint, which leave the leaf count equal to the end:
  // [1916, 1921), a stray [1917, 1919), a hole [1921, 1923), then [1923, 1926).
  const blocks = integrityIndex(stack.config.indexPrefix, 'blocks')
  const block = (start: number, end: number): Record<string, unknown> => ({
    tenant: 'brand-z', start, end, count: end - start, event_ids: range(start + 5000, end + 5000).map(e => e.id), partitions: ['somewhere'],
    leaf_hashes: Buffer.concat(range(start + 5000, end + 5000).map(e => Buffer.from(e.leaf, 'hex'))).toString('base64'), leaf_partitions: Buffer.alloc(2 * (end - start)).toString('base64'), sealed_at: new Date().toISOString()
  })
  await stack.es.index({ index: blocks, id: 'brand-z:1916', document: block(1916, 1921) })
  await stack.es.index({ index: blocks, id: 'brand-z:1917', document: block(1917, 1919) })
  await stack.es.index({ index: blocks, id: 'brand-z:1923', document: block(1923, 1926), refresh: true })
  await store.refresh()
  t.same(await store.extent('brand-z'), { end: 1926, leaves: 1926 }, 'the leaves add up to the end')
  t.same(await new Sealer(deps).seal(range(4000, 4003)), { sealed: 3, skipped: 0 })
  const cut = await leavesOf('brand-z')
  t.same(cut.slice(1916).map(l => `${l.seq}:${l.eventId}`), ['1916:z-6916', '1917:z-6917', '1918:z-6918', '1919:z-6919', '1920:z-6920', '1921:z-4000', '1922:z-4001', '1923:z-4002'], 'cut at the hole, the stray gone, sealed from there')
})

t.test('a log altered inside its checkpoint is neither sealed nor signed over, and the other tenants go on', async t => {
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  const checkpoints = new CheckpointFile(join(dir, 'r.ndjson'), stack.config.indexPrefix)
  const deps = { store, file: checkpoints, signingKey: parseSigningKey(SEED), log: pino({ level: 'silent' }) }
  const entry = (tenant: string, i: number) => ({ tenant, id: `${tenant}-${i}`, index: 'somewhere', leaf: leafHash(`${tenant}${i}`).toString('hex') })
  const range = (tenant: string, from: number, to: number) => Array.from({ length: to - from }, (_, k) => entry(tenant, from + k))
  const sealer = new Sealer(deps)
  await sealer.seal([...range('brand-r', 0, 300), ...range('brand-s', 0, 10)])
  t.same((await sealer.checkpoint()).filter(c => c.tenant === 'brand-r' || c.tenant === 'brand-s').map(c => c.size), [300, 10])
  // Someone with write access to Elasticsearch rewrites leaf 290 and drops the tenant's subtree hashes (a
  // cache, rebuilt from the leaves), then makes the sealer reload the log (any failure or restart does).
  const block = await blockOf('brand-r', 290)
  const blocks = integrityIndex(stack.config.indexPrefix, 'blocks')
  await stack.es.index({ index: blocks, id: block.id, refresh: true, document: { ...block.source, leaf_hashes: repack(block.source.leaf_hashes, 32, 290 - (block.source.start as number), leafHash('forged')) } })
  await stack.es.deleteByQuery({ index: integrityIndex(stack.config.indexPrefix, 'nodes'), query: { term: { tenant: 'brand-r' } }, refresh: true })
  const reloaded = new Sealer(deps)
  await t.rejects(reloaded.seal([entry('brand-r', 300), entry('brand-s', 10)]), /integrity log of brand-r is refused: its first 300 leaves no longer lead to the root its checkpoint signed/)
  t.equal((await leavesOf('brand-r')).length, 300, 'nothing appended to the altered log')
  t.equal((await leavesOf('brand-s')).length, 11, 'the other tenant of the same job is sealed')
  await reloaded.seal(range('brand-s', 11, 12))
  t.notOk((await reloaded.checkpoint()).some(c => c.tenant === 'brand-r'), 'no checkpoint signed over it')
  t.equal((await store.latestCheckpoint('brand-r'))?.size, 300)
  t.equal((await store.latestCheckpoint('brand-s'))?.size, 12, 'the other tenants are checkpointed')
  // Repaired: the retried job (looked up again) seals what was held back.
  await stack.es.index({ index: blocks, id: block.id, refresh: true, document: block.source })
  t.same(await reloaded.seal([entry('brand-r', 300), entry('brand-s', 10)], true), { sealed: 1, skipped: 1 })

  // Leaves deleted at the end of what a checkpoint covers, whose subtree hashes are kept: the root still
  // computes from the hashes, but the log is shorter than what was signed.
  await reloaded.seal(range('brand-r', 301, 2048))
  t.same((await reloaded.checkpoint()).filter(c => c.tenant === 'brand-r').map(c => c.size), [2048])
  const last = await blockOf('brand-r', 2047)
  await stack.es.delete({ index: blocks, id: last.id, refresh: true })
  const keys = new TrustedKeys(createPublicKey(parseSigningKey(SEED)))
  const report = await new IntegrityService(store, checkpoints, keys).verify('brand-r', {}, PLATFORM_SCOPE)
  t.match(report.problems.filter(p => p.kind === 'leaf_log_altered'), [{ size: 2048, detail: /holds \d+ leaves, fewer than the 2048 its checkpoint signed/ }])
  await t.rejects(new Sealer(deps).seal([entry('brand-r', 2048)]), /fewer than the 2048 its last checkpoint signed/)
  await stack.es.index({ index: blocks, id: last.id, refresh: true, document: last.source })
})

t.test('every tenant\'s log is found for checkpoints, however many tenants', async t => {
  const prefix = `${stack.config.indexPrefix}-many`
  await installIntegrityIndices(stack.es, prefix, 0)
  t.teardown(async () => { await stack.es.indices.delete({ index: ['blocks', 'nodes', 'checkpoints'].map(k => `${prefix}-integrity-${k}`), ignore_unavailable: true }) })
  const operations = Array.from({ length: 10_050 }, (_, i) => [{ create: { _index: `${prefix}-integrity-blocks`, _id: `t-${i}:0` } }, { tenant: `t-${i}`, start: 0, end: i + 1, count: i + 1 }]).flat()
  await stack.es.bulk({ operations, refresh: true })
  const ends = await new IntegrityStore(stack.es, prefix).endByTenant()
  t.equal(ends.size, 10_050, 'more tenants than a terms list holds')
  t.equal(ends.get('t-10049'), 10_050)
  t.equal(ends.get('t-0'), 1, 'the smallest logs too')
})

t.test('entries to be looked up wait out the ingest lock before they are sealed', async t => {
  const queue = new Queue(QUEUES.seal.name, { connection: { url: stack.config.redisUrl }, prefix: stack.config.queuePrefix })
  t.teardown(async () => { await queue.close() })
  const before = await queue.getDelayedCount()
  await stack.indexer?.sealing?.enqueue([{ tenant: 'brand-q', id: 'q-1', index: 'somewhere', leaf: leafHash('q1').toString('hex'), recheck: true }])
  const delayed = (await queue.getJobs(['delayed'])).find(j => j.name === 'seal' && unpackEntries(j.data as SealJobData)[0]?.id === 'q-1')
  t.equal(await queue.getDelayedCount(), before + 1, 'held back, not waiting')
  t.equal(unpackEntries(delayed?.data as SealJobData)[0]?.recheck, true, 'marked to be looked up')
  t.ok((delayed?.opts.delay ?? 0) >= stack.config.workerLockMs, `for at least the lock duration (${stack.config.workerLockMs} ms)`)
  await delayed?.remove()
})

t.test('a worker killed (SIGKILL) mid-ingest: after restart every stored event is sealed once, in a log that verifies', async t => {
  const TOTAL = 6_000
  const crashFile = join(dir, 'crash.ndjson')
  const crash = await startStack(t, { worker: false, env: { SILLAGE_CHECKPOINT_FILE: crashFile, SILLAGE_SIGNING_KEY: SEED } })
  const env = workerEnv(crash.config, { SILLAGE_CHECKPOINT_FILE: crashFile, SILLAGE_SIGNING_KEY: SEED, SILLAGE_CHECKPOINT_MS: '1000' })
  for (let from = 0; from < TOTAL; from += 500) {
    const events = Array.from({ length: 500 }, (_, k) => tenantEvent((from + k) % 3 === 0 ? 'brand-x' : 'brand-y', from + k))
    const res = await crash.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
    if (res.statusCode !== 202) t.fail(res.body)
  }
  const start = () => startWorker(env)
  const log = new IntegrityStore(crash.es, crash.config.indexPrefix)
  const sealed = async (): Promise<number> => {
    await log.refresh()
    return await log.leafCount()
  }
  const first = start()
  let atKill = 0
  while (atKill < 1000 && first.exitCode === null) {
    await sleep(50)
    atKill = await sealed()
  }
  first.kill('SIGKILL')
  await exited(first)
  t.ok(atKill < TOTAL, `killed with ${atKill} of ${TOTAL} sealed`)

  const second = start()
  t.teardown(() => { second.kill('SIGKILL') })
  t.equal(await crash.waitForCount(TOTAL, 180_000), TOTAL, 'every event stored')
  // Wait for checkpoints covering every event, not for a leaf count: a restarted sealer may first cut a tail
  // left with a hole by the kill (the count dips) and seal it again.
  const sizes = { 'brand-x': TOTAL / 3, 'brand-y': TOTAL * 2 / 3 }
  const cpIndex = integrityIndex(crash.config.indexPrefix, 'checkpoints')
  for (let i = 0; i < 1200; i++) {
    await crash.es.indices.refresh({ index: cpIndex })
    const found = await crash.es.count({ index: cpIndex, query: { bool: { should: Object.entries(sizes).map(([tenant, size]) => ({ bool: { filter: [{ term: { tenant } }, { term: { size } }] } })) } } })
    if (found.count === 2) break
    await sleep(100)
  }
  t.equal(await sealed(), TOTAL, 'every stored event sealed exactly once')
  for (const [tenant, size] of Object.entries(sizes)) {
    const r = (await crash.api.app.inject({ method: 'GET', url: `/v1/integrity/verify?tenant=${tenant}`, headers: auth(KEYS.admin) })).json()
    t.same({ ok: r.ok, checked: r.checked, size: r.checkpoint?.size, problems: r.problems }, { ok: true, checked: size, size, problems: [] }, `${tenant}: ${size} events, one leaf each, numbered without gaps, root signed`)
  }
  second.kill('SIGTERM')
  t.equal(await exited(second), 0, 'clean shutdown')
})

function stackEnv (): Record<string, string> {
  return {
    ELASTICSEARCH_URL: stack.config.elasticsearchUrl,
    REDIS_URL: stack.config.redisUrl,
    SILLAGE_API_KEYS: `${KEYS.admin}:admin`,
    SILLAGE_INDEX_PREFIX: stack.config.indexPrefix,
    SILLAGE_QUEUE_PREFIX: stack.config.queuePrefix,
    SILLAGE_CHECKPOINT_FILE: file,
    SILLAGE_SIGNING_KEY: SEED,
    SILLAGE_LOG_LEVEL: 'warn'
  }
}

