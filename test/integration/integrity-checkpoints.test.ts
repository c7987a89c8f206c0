import { t } from '../helpers/file-test.ts'
import { createPublicKey, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { OpenAPIV3 } from 'openapi-types'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { integrityIndex } from '../../src/store/integrity/integrity-indices.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { verifyConsistency } from '../../src/integrity/merkle.ts'
import { parseCheckpointText, parseNote, verifyNote } from '../../src/integrity/note.ts'
import type { LeafRecord } from '../../src/integrity/types.ts'

const ORIGIN = 'audit.example.test/sillage'
let stack: Stack
let dir: string
let sealed = 0
const get = async (url: string, key: string | null = KEYS.aRead) => await stack.api.app.inject({ method: 'GET', url, headers: key === null ? {} : auth(key) })
const event = (tenant: string, i: number): Record<string, unknown> => {
  const e = makeEvent(`cp-${tenant}`, i)
  return { ...e, audit: { ...(e.audit as object), tenant } }
}

/** Ingests, waits until everything is sealed, and signs the checkpoints. */
async function checkpointAfter (events: Array<Record<string, unknown>>): Promise<void> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
  if (res.statusCode !== 202) throw new Error(res.body)
  sealed += events.length
  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  for (let i = 0; i < 300 && await store.leafCount() < sealed; i++) { await sleep(100); await store.refresh() }
  await stack.indexer?.sealing?.checkpointNow()
}

t.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sillage-checkpoints-'))
  stack = await startStack(t, { env: { SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64'), SILLAGE_CHECKPOINT_MS: '3600000', SILLAGE_CHECKPOINT_ORIGIN: ORIGIN } })
  await checkpointAfter([...Array.from({ length: 10 }, (_, i) => event('brand-a', i)), ...Array.from({ length: 4 }, (_, i) => event('brand-b', i))])
  await checkpointAfter(Array.from({ length: 5 }, (_, i) => event('brand-a', 10 + i)))
  await checkpointAfter(Array.from({ length: 5 }, (_, i) => event('brand-a', 15 + i)))
})
t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })

t.test('checkpoints are listed newest first, page by page, each tenant its own', async t => {
  const all = (await get('/v1/integrity/checkpoints')).json()
  t.match(all, { tenant: 'brand-a', next: null })
  t.same(all.checkpoints.map((c: { size: number, verified: boolean, origin: string }) => [c.size, c.verified, c.origin]), [[20, true, `${ORIGIN}/brand-a`], [15, true, `${ORIGIN}/brand-a`], [10, true, `${ORIGIN}/brand-a`]])
  const first = (await get('/v1/integrity/checkpoints?limit=2')).json()
  t.same([first.checkpoints.map((c: { size: number }) => c.size), first.next], [[20, 15], 10])
  const second = (await get(`/v1/integrity/checkpoints?limit=2&from=${first.next as number}`)).json()
  t.same([second.checkpoints.map((c: { size: number }) => c.size), second.next], [[10], null])
  t.same((await get('/v1/integrity/checkpoints', KEYS.bRead)).json().checkpoints.map((c: { size: number }) => c.size), [4], 'a tenant key lists its own tenant')
  t.equal((await get('/v1/integrity/checkpoints?tenant=brand-b')).statusCode, 403, 'and no other')
  t.equal((await get('/v1/integrity/checkpoints?tenant=brand-b', KEYS.read)).json().tenant, 'brand-b', 'a platform key names the tenant')
  const unnamed = await get('/v1/integrity/checkpoints', KEYS.read)
  t.equal(unnamed.statusCode, 400)
  t.match(unnamed.json(), { errors: [{ path: '/querystring/tenant' }] })
  t.equal((await get('/v1/integrity/checkpoints?limit=0')).statusCode, 400)
  t.equal((await get('/v1/integrity/checkpoints', KEYS.ingest)).statusCode, 403, 'read scope')
  t.equal((await get('/v1/integrity/checkpoints', null)).statusCode, 401)
})

t.test('the latest checkpoint, as JSON and as a C2SP signed note that verifies with the same key', async t => {
  const key = (await get('/v1/integrity/public-key')).json()
  const res = await get('/v1/integrity/checkpoint')
  t.equal(res.statusCode, 200, res.body)
  const latest = res.json()
  t.match(latest, { tenant: 'brand-a', size: 20, publicKey: key.publicKey, keyId: key.keyId, origin: `${ORIGIN}/brand-a`, noteSignature: String })
  const text = await get('/v1/integrity/checkpoint?format=note')
  t.equal(text.statusCode, 200)
  t.match(text.headers['content-type'], /^text\/plain/)
  t.equal(text.body, latest.note, 'the note route gives the same note')
  const parsed = parseNote(text.body)
  t.same(parseCheckpointText(parsed.text), { origin: `${ORIGIN}/brand-a`, size: 20, root: latest.root, extensions: [] })
  t.ok(verifyNote(text.body, `${ORIGIN}/brand-a`, createPublicKey(key.pem)), 'signed by the checkpoint key, under the origin')
  t.match(latest.noteVerifierKey, new RegExp(`^${ORIGIN}/brand-a\\+[0-9a-f]{8}\\+`))
  const line = (await readFile(join(dir, 'checkpoints.ndjson'), 'utf8')).trim().split('\n').map(l => JSON.parse(l)).at(-1)
  t.match(line, { tenant: 'brand-a', size: 20, origin: `${ORIGIN}/brand-a`, noteSignature: latest.noteSignature }, 'the checkpoint file keeps the note signature')
  t.equal((await get('/v1/integrity/checkpoint?tenant=brand-z', KEYS.read)).statusCode, 404, 'no checkpoint yet')
  t.equal((await get('/v1/integrity/checkpoint', KEYS.read)).statusCode, 400, 'a platform key names the tenant')
  t.equal((await get('/v1/integrity/checkpoint?format=xml')).statusCode, 400)

  // A checkpoint signed before notes existed has no note form: 409, and the JSON has no note.
  const cpIndex = integrityIndex(stack.config.indexPrefix, 'checkpoints')
  const stored = (await stack.es.get<Record<string, unknown>>({ index: cpIndex, id: 'brand-b:4' }))._source as Record<string, unknown>
  const { origin: _o, note_signature: _n, ...old } = stored
  await stack.es.index({ index: cpIndex, id: 'brand-b:4', document: old, refresh: true })
  try {
    const noNote = await get('/v1/integrity/checkpoint?format=note', KEYS.bRead)
    t.equal(noNote.statusCode, 409)
    t.match(noNote.json().message, /signed before checkpoints had a signed-note form/)
    t.notOk('note' in (await get('/v1/integrity/checkpoint', KEYS.bRead)).json())
  } finally {
    await stack.es.index({ index: cpIndex, id: 'brand-b:4', document: stored, refresh: true })
  }
})

t.test('consistency proofs between checkpoints, as JSON and as a witness add-checkpoint body', async t => {
  const list = (await get('/v1/integrity/checkpoints')).json().checkpoints as Array<{ size: number, root: string }>
  const rootOf = (size: number): Buffer => Buffer.from((list.find(c => c.size === size) as { root: string }).root, 'hex')
  for (const [from, to] of [[10, 20], [10, 15], [15, 20], [20, 20]] as const) {
    const res = await get(`/v1/integrity/consistency?from=${from}${to === 20 ? '' : `&to=${to}`}`)
    t.equal(res.statusCode, 200, res.body)
    const c = res.json()
    t.match(c, { tenant: 'brand-a', from, to, old: { size: from }, new: { size: to, publicKey: String } })
    t.ok(verifyConsistency(from, to, rootOf(from), rootOf(to), c.proof.map((h: string) => Buffer.from(h, 'hex'))), `${from} → ${to} verifies (${c.proof.length} hashes)`)
  }
  t.match((await get('/v1/integrity/consistency?from=0')).json(), { from: 0, to: 20, proof: [], old: null })
  const witness = await get('/v1/integrity/consistency?from=10&format=witness')
  t.equal(witness.statusCode, 200)
  t.match(witness.headers['content-type'], /^text\/plain/)
  const [head, ...rest] = witness.body.split('\n\n')
  const [old, ...proof] = (head as string).split('\n')
  t.equal(old, 'old 10')
  t.same(proof.map(h => Buffer.from(h, 'base64').toString('hex')), (await get('/v1/integrity/consistency?from=10')).json().proof, 'the proof in base64, one hash a line')
  t.equal(rest.join('\n\n'), (await get('/v1/integrity/checkpoint')).json().note, 'then a blank line and the checkpoint note')

  t.equal((await get('/v1/integrity/consistency?from=11')).statusCode, 404, 'no checkpoint of that size')
  t.equal((await get('/v1/integrity/consistency?from=10&to=99')).statusCode, 404)
  const backwards = await get('/v1/integrity/consistency?from=20&to=15')
  t.equal(backwards.statusCode, 400)
  t.match(backwards.json(), { errors: [{ path: '/querystring/from' }] })
  t.equal((await get('/v1/integrity/consistency')).statusCode, 400, 'from is required')
  t.equal((await get('/v1/integrity/consistency?from=1&tenant=brand-b')).statusCode, 403)
  t.equal((await get('/v1/integrity/consistency?from=4&tenant=brand-b', KEYS.read)).statusCode, 200)
})

t.test('incremental verification checks the extension and rehashes only the new events', async t => {
  const verify = async (query: string) => (await get(`/v1/integrity/verify?tenant=brand-a&${query}`, KEYS.admin)).json()
  const full = await verify('')
  t.match(full, { ok: true, mode: 'full', checked: 20 })
  const inc = await verify('since=10')
  t.match(inc, { ok: true, mode: 'incremental', from: 10, to: 19, checked: 10, since: { size: 10 }, consistency: { from: 10, to: 20 }, problems: [] })
  t.match(await verify('since=20'), { ok: true, checked: 0, consistency: { proof: [] } })
  t.match((await get('/v1/integrity/verify?tenant=brand-a&since=11', KEYS.admin)).json(), { statusCode: 400, errors: [{ path: '/querystring/since', message: /no checkpoint of tenant "brand-a" has size 11/ }] })
  t.equal((await get('/v1/integrity/verify?tenant=brand-a&since=10&from=3', KEYS.admin)).statusCode, 400, 'since or a range, not both')

  const store = new IntegrityStore(stack.es, stack.config.indexPrefix)
  const leaves: LeafRecord[] = []
  for await (const page of store.leafPages('brand-a', 0, 20)) leaves.push(...page)
  const edit = async (l: LeafRecord, message: string): Promise<Record<string, unknown>> => {
    const doc = (await stack.es.get<Record<string, unknown>>({ index: l.eventIndex, id: eventDocId(l.tenant, l.eventId) }))._source as Record<string, unknown>
    await stack.es.index({ index: l.eventIndex, id: eventDocId(l.tenant, l.eventId), document: { ...doc, message }, refresh: true })
    return doc
  }
  const [late, early] = [leaves[15] as LeafRecord, leaves[3] as LeafRecord]
  const lateDoc = await edit(late, 'changed after sealing')
  const earlyDoc = await edit(early, 'changed too')
  t.match((await verify('since=10')).problems, [{ kind: 'modified', seq: 15 }], 'a new event changed: found; an event before since is not read again')
  t.match((await verify('')).problems, [{ kind: 'modified', seq: 3 }, { kind: 'modified', seq: 15 }], 'a full verification finds both')
  await stack.es.index({ index: late.eventIndex, id: eventDocId(late.tenant, late.eventId), document: lateDoc, refresh: true })
  await stack.es.index({ index: early.eventIndex, id: eventDocId(early.tenant, early.eventId), document: earlyDoc, refresh: true })

  // The checkpoint verified before, altered in Elasticsearch: its signature fails and it no longer matches the file.
  const cpIndex = integrityIndex(stack.config.indexPrefix, 'checkpoints')
  const stored = (await stack.es.get<Record<string, unknown>>({ index: cpIndex, id: 'brand-a:10' }))._source as Record<string, unknown>
  await stack.es.index({ index: cpIndex, id: 'brand-a:10', document: { ...stored, root: 'f'.repeat(64) }, refresh: true })
  try {
    const altered = await verify('since=10')
    t.equal(altered.ok, false)
    t.match(altered.problems, [{ kind: 'bad_signature', size: 10 }, { kind: 'checkpoint_mismatch', size: 10, source: 'file' }, { kind: 'leaf_log_altered', size: 10, detail: /not to the signed root f{64}/ }, { kind: 'leaf_log_altered', size: 20, detail: /does not extend the checkpoint of size 10/ }])
  } finally {
    await stack.es.index({ index: cpIndex, id: 'brand-a:10', document: stored, refresh: true })
  }
  t.match(await verify('since=10'), { ok: true })
})

t.test('the OpenAPI document describes the new routes and the since parameter', async t => {
  const doc = (await stack.api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenAPIV3.Document
  for (const path of ['/v1/integrity/checkpoints', '/v1/integrity/checkpoint', '/v1/integrity/consistency']) {
    const op = doc.paths[path]?.get as OpenAPIV3.OperationObject
    t.ok(op?.summary, path)
    t.ok(['200', '400', '401', '403'].every(s => op.responses[s] !== undefined), `${path} documents 200, 400, 401, 403`)
  }
  const latest = (doc.paths['/v1/integrity/checkpoint']?.get as OpenAPIV3.OperationObject).responses['200'] as OpenAPIV3.ResponseObject
  t.same(Object.keys(latest.content ?? {}).sort(), ['application/json', 'text/plain'])
  const verifyOp = doc.paths['/v1/integrity/verify']?.get as OpenAPIV3.OperationObject
  t.ok((verifyOp.parameters as OpenAPIV3.ParameterObject[]).some(p => p.name === 'since'))
})
