import t from 'tap'
import { mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExportService } from '../../../src/export/export-service.ts'
import type { Snapshot } from '../../../src/export/export-run.ts'
import type { ExportJobData, ExportJobRecord, ExportJobs, Requester } from '../../../src/export/jobs.ts'
import { ExportFiles } from '../../../src/store/events/export-files.ts'

const dir = mkdtempSync(join(tmpdir(), 'export-service-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const events = Array.from({ length: 7 }, (_, i) => ({ id: `e${i}`, source: { event: { id: `e${i}` }, user: { email: `user${i}@example.com` }, audit: { tenant: 'brand-a' } } }))

/** A snapshot over fixed events that records what it was asked and whether it was closed. */
function snapshotOf (log: string[]): Snapshot {
  return {
    count: async () => events.length,
    aggregate: async () => ({}),
    async * pages () { log.push('walk'); yield events.slice(0, 4).map(e => e.source); yield events.slice(4).map(e => e.source) },
    async * sourcePages () { log.push('walk'); yield events.slice(0, 4).map(e => Buffer.from(JSON.stringify(e.source))); yield events.slice(4).map(e => Buffer.from(JSON.stringify(e.source))) },
    close: async () => { log.push('closed') }
  }
}

class MemoryJobs implements ExportJobs {
  readonly jobs = new Map<string, ExportJobRecord>()
  async enqueue (id: string, data: ExportJobData): Promise<void> { this.jobs.set(id, { id, data, state: 'queued', progress: { rows: 0, total: data.estimated } }) }
  async unfinishedOf (tenant: string | null): Promise<number> { return [...this.jobs.values()].filter(j => (j.state === 'queued' || j.state === 'running') && j.data.owner.tenant === tenant).length }
  async get (id: string): Promise<ExportJobRecord | undefined> { return this.jobs.get(id) }
  async finished (): Promise<ExportJobRecord[]> { return [...this.jobs.values()].filter(j => j.state === 'completed' || j.state === 'failed') }
  async remove (id: string): Promise<void> { this.jobs.delete(id) }
}

const owner: Requester = { keyId: 'k-a', tenant: 'brand-a', masked: false }
let now = Date.parse('2026-11-26T15:00:00Z')
const setup = (syncMax: number): { service: ExportService, jobs: MemoryJobs, log: string[] } => {
  const log: string[] = []
  const jobs = new MemoryJobs()
  const service = new ExportService({ open: async () => snapshotOf(log), files: new ExportFiles(dir), jobs, now: () => now }, { syncMax, reportMax: 100, ttlHours: 24 })
  return { service, jobs, log }
}
/** The HTTP status an operation fails with (0 when it succeeds). */
const statusOf = async (p: Promise<unknown>): Promise<number> => await p.then(() => 0, (err: { statusCode?: number }) => err.statusCode ?? 500)
const read = async (s: NodeJS.ReadableStream): Promise<string> => { let out = ''; for await (const c of s) out += String(c); return out }

t.test('small exports stream; the snapshot is closed once read', async t => {
  const { service, log } = setup(10)
  const started = await service.startExport({ format: 'ndjson' }, owner)
  if (started.mode !== 'stream') throw new Error('expected a stream')
  t.equal(started.total, 7)
  t.equal(started.contentType, 'application/x-ndjson; charset=utf-8')
  t.equal(started.filename, 'sillage-export-20261126T150000Z.ndjson')
  t.same(log, [], 'nothing is read before the answer is read')
  t.equal((await read(started.body)).split('\n').length, 8)
  t.same(log, ['walk', 'closed'])
  const masked = await setup(10).service.startExport({ format: 'csv', columns: ['user.email'] }, { ...owner, masked: true })
  if (masked.mode !== 'stream') throw new Error('expected a stream')
  t.match(await read(masked.body), /^user\.email\r\nu\*\*\*@example\.com\r\n/)
})

t.test('large exports become jobs, visible to their tenant only, downloadable once done, then expired', async t => {
  const { service, jobs, log } = setup(5)
  const started = await service.startExport({ format: 'csv', columns: ['event.id'] }, owner)
  if (started.mode !== 'job') throw new Error('expected a job')
  t.same(log, ['closed'], 'the API reads nothing more')
  const id = started.job.id
  t.match(started.job, { status: 'queued', progress: { rows: 0, total: 7 }, created_at: '2026-11-26T15:00:00.000Z', expires_at: '2026-11-27T15:00:00.000Z', requested_by: 'k-a' })
  for (const who of [{ ...owner, tenant: 'brand-b' }, { ...owner, tenant: null }, { ...owner, masked: true }]) {
    t.equal(await statusOf(service.status(id, who)), 404, JSON.stringify(who))
  }
  t.equal((await service.status(id, { ...owner, keyId: 'colleague' })).status, 'queued', 'a colleague of the same tenant may follow it')
  t.equal(await statusOf(service.download(id, owner)), 409, 'not ready')

  const record = jobs.jobs.get(id) as ExportJobRecord
  const progress: number[] = []
  const result = await service.runJob(id, record.data, rows => progress.push(rows))
  t.same(progress, [0, 4, 7])
  t.match(result, { file: new RegExp(`^${id}\\.[0-9a-f]{8}\\.csv$`), rows: 7, completedAt: '2026-11-26T15:00:00.000Z' })
  jobs.jobs.set(id, { ...record, state: 'completed', progress: { rows: 7, total: 7 }, result })
  const view = await service.status(id, owner)
  t.match(view, { status: 'completed', rows: 7, sha256: result.sha256, download_url: `/v1/exports/${id}/download` })
  const file = await service.download(id, owner)
  t.equal(await read(file.body), 'event.id\r\ne0\r\ne1\r\ne2\r\ne3\r\ne4\r\ne5\r\ne6\r\n')
  t.equal(file.filename, 'sillage-export-20261126T150000Z.csv')

  now += 25 * 3600_000
  t.equal((await service.status(id, owner)).status, 'expired')
  t.equal(await statusOf(service.download(id, owner)), 410, 'expired')
  t.same(await service.cleanup(), { jobs: 1, files: 0 })
  t.equal(await statusOf(service.status(id, owner)), 404, 'removed')
})

t.test('reports are bounded', async t => {
  const { service, log } = setup(100)
  const small = new ExportService({ open: async () => snapshotOf(log), files: new ExportFiles(dir), jobs: new MemoryJobs() }, { syncMax: 100, reportMax: 5, ttlHours: 24 })
  await t.rejects(small.startExport({ format: 'pdf' }, owner), { errors: [{ path: '/', message: /at most 5 events and this one would hold 7/ }] })
  t.equal(await statusOf(small.startPack({ userId: 'u-1' }, owner)), 400)
  t.same(log, ['closed', 'closed'])
  t.equal(await statusOf(service.startExport({ format: 'csv', columns: ['nope'] }, owner)), 400)
})

t.test('a tenant may have so many background exports unfinished, and stream so many at once; then 429, and others go on', async t => {
  const log: string[] = []
  const jobs = new MemoryJobs()
  const service = (syncMax: number): ExportService => new ExportService({ open: async () => snapshotOf(log), files: new ExportFiles(dir), jobs, now: () => now }, { syncMax, reportMax: 100, ttlHours: 24, pendingMax: 2, streamMax: 1 })
  const background = service(0)
  for (let i = 0; i < 2; i++) t.match(await background.startExport({ format: 'csv' }, owner), { mode: 'job' })
  await t.rejects(background.startExport({ format: 'csv' }, owner), { statusCode: 429, retryAfterSeconds: 30, message: /tenant "brand-a" has 2 background exports queued or running/ })
  t.match(await background.startExport({ format: 'csv' }, { ...owner, tenant: 'brand-b' }), { mode: 'job' }, 'another tenant is not held up')
  for (const job of jobs.jobs.values()) if (job.data.owner.tenant === 'brand-a') { job.state = 'completed'; break }
  t.match(await background.startExport({ format: 'csv' }, owner), { mode: 'job' }, 'one finished: one more')

  const streams = service(10)
  const first = await streams.startExport({ format: 'ndjson' }, owner)
  if (first.mode !== 'stream') throw new Error('expected a stream')
  await t.rejects(streams.startExport({ format: 'ndjson' }, owner), { statusCode: 429, message: /1 exports of tenant "brand-a" are being downloaded/ })
  t.match(await streams.startExport({ format: 'ndjson' }, { ...owner, tenant: 'brand-b' }), { mode: 'stream' })
  await read(first.body)
  t.match(await streams.startExport({ format: 'ndjson' }, owner), { mode: 'stream' }, 'once read, the next one streams')
  const dropped = await streams.startExport({ format: 'ndjson' }, { ...owner, tenant: 'brand-c' })
  if (dropped.mode !== 'stream') throw new Error('expected a stream')
  dropped.body.destroy()
  await new Promise(resolve => setImmediate(resolve))
  t.match(await streams.startExport({ format: 'ndjson' }, { ...owner, tenant: 'brand-c' }), { mode: 'stream' }, 'a download dropped before its end frees its place')
})

t.test('a background job reads relative dates at its request\'s time, which its report states, however long it waited', async t => {
  const queries: string[] = []
  const jobs = new MemoryJobs()
  const open = async (): Promise<Snapshot> => ({ ...snapshotOf([]), count: async (query: unknown) => { queries.push(JSON.stringify(query)); return events.length } })
  const requestedAt = Date.parse('2026-11-26T15:00:00Z')
  let clock = requestedAt
  const service = new ExportService({ open, files: new ExportFiles(dir), jobs, now: () => clock }, { syncMax: 5, reportMax: 100, ttlHours: 24 })
  const started = await service.startExport({ format: 'ndjson', filters: { period: { from: 'now-24h' } } }, owner)
  if (started.mode !== 'job') throw new Error('expected a job')
  clock += 2 * 3600_000
  await service.runJob(started.job.id, (jobs.jobs.get(started.job.id) as ExportJobRecord).data, () => {})
  t.equal(queries.length, 2)
  t.ok(queries.every(q => q.includes('"gte":"2026-11-26T15:00:00.000Z||-24h"')), 'the request and the run select the same period')
  t.ok(queries[1]?.includes('{"range":{"@timestamp":{"lte":"2026-11-26T15:00:00.000Z"}}}'), 'and the run no event dated after the request')
})

t.test('the sweep keeps the file of a job not expired yet, however old, when the worker\'s expiry is shorter than the request\'s', async t => {
  const jobs = new MemoryJobs()
  let clock = Date.parse('2026-11-26T15:00:00Z')
  const api = new ExportService({ open: async () => snapshotOf([]), files: new ExportFiles(dir), jobs, now: () => clock }, { syncMax: 5, reportMax: 100, ttlHours: 48 })
  const worker = new ExportService({ open: async () => snapshotOf([]), files: new ExportFiles(dir), jobs, now: () => clock }, { syncMax: 5, reportMax: 100, ttlHours: 1 })
  const started = await api.startExport({ format: 'ndjson' }, owner)
  if (started.mode !== 'job') throw new Error('expected a job')
  const record = jobs.jobs.get(started.job.id) as ExportJobRecord
  const result = await worker.runJob(started.job.id, record.data, () => {})
  jobs.jobs.set(started.job.id, { ...record, state: 'completed', progress: { rows: 7, total: 7 }, result })
  const old = new Date(clock - 3 * 3600_000)
  utimesSync(join(dir, result.file), old, old)
  clock += 2 * 3600_000
  t.same(await worker.cleanup(), { jobs: 0, files: 0 }, 'its job expires in 48 hours: the file stays')
  t.equal((await read((await api.download(started.job.id, owner)).body)).split('\n').length, 8)
})
