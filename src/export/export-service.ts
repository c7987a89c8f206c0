import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { BackpressureError, GoneError, NotFoundError, ValidationError } from '../errors.ts'
import type { ExportFiles } from '../store/events/export-files.ts'
import { manifestText } from './evidence-pack.ts'
import { needsSummary, produce, summarise, type RunOutcome, type Snapshot } from './export-run.ts'
import { planExport, planPack, type ExportPlan } from './export-plan.ts'
import type { ExportJobView } from './export-request.ts'
import { CONTENT_TYPES, downloadName, formatOf, type ExportJobData, type ExportJobRecord, type ExportJobResult, type ExportJobs, type Requester } from './jobs.ts'
import type { ProofProvider } from './proofs.ts'
import type { Summary } from './summary.ts'

export interface ExportLimits {
  /** Exports of at most this many events stream in the answer; larger ones run as background jobs. */
  syncMax: number
  /** Reports (PDF, evidence packs) hold at most this many events. */
  reportMax: number
  ttlHours: number
  /** Background exports one tenant may have queued or running at once (others wait their turn, 429). */
  pendingMax?: number
  /** Exports one tenant may stream at once from this process: each holds a point in time open while it is read. */
  streamMax?: number
}

export interface ExportDeps {
  open: () => Promise<Snapshot>
  files: ExportFiles
  jobs: ExportJobs
  proofs?: ProofProvider
  now?: () => number
}

/** An export streaming in the answer, or the job that will write it. */
export type Started =
  | { mode: 'stream', total: number, contentType: string, filename: string, body: Readable }
  | { mode: 'job', total: number, job: ExportJobView }

/** The export is asked for before it is ready: 409. */
export class NotReadyError extends Error {
  readonly statusCode = 409
}

/**
 * A run's files: named by the job and the run (`attempt`), so that two runs of one job (a worker that lost its lock
 * and a second one given the job meanwhile) never write the same file. The job's result names the files of the run
 * that completed it; the other run's are swept with the expired ones. Jobs of earlier versions have no `attempt`.
 */
const fileOf = (id: string, data: ExportJobData, attempt?: string): string => attempt === undefined ? `${id}.${formatOf(data)}` : `${id}.${attempt}.${formatOf(data)}`
// A background pack's manifest is kept beside it, so that it can be read without downloading the pack.
const manifestOf = (id: string, attempt?: string): string => attempt === undefined ? `${id}.manifest.json` : `${id}.${attempt}.manifest.json`
const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

// A byte stream, not an object stream: it reads ahead one chunk (one page of events), not sixteen.
const BYTES = { objectMode: false }

/** Exports and evidence packs: validation, the choice between streaming and a background job, downloads, expiry. */
export class ExportService {
  private readonly now: () => number
  /** Exports being streamed from this process, by tenant (`*` for platform keys). */
  private readonly streaming = new Map<string, number>()

  constructor (private readonly deps: ExportDeps, private readonly limits: ExportLimits) {
    this.now = deps.now ?? Date.now
  }

  async startExport (body: unknown, who: Requester): Promise<Started> {
    const now = this.now()
    return await this.start(planExport(body, who, now), body as ExportJobData['request'], who, now)
  }

  async startPack (body: unknown, who: Requester): Promise<Started> {
    const now = this.now()
    return await this.start(planPack(body, who, now), body as ExportJobData['request'], who, now)
  }

  /** `now`: the request's time, at which its relative dates were read and which its report states. */
  private async start (plan: ExportPlan, request: ExportJobData['request'], who: Requester, now: number): Promise<Started> {
    const snapshot = await this.deps.open()
    let handedOver = false
    try {
      const total = await snapshot.count(plan.query)
      this.checkReportSize(plan, total)
      const exportedAt = new Date(now).toISOString()
      if (total > this.limits.syncMax) {
        const pending = await this.deps.jobs.unfinishedOf(who.tenant)
        if (pending >= (this.limits.pendingMax ?? Infinity)) {
          throw new BackpressureError(30, pending, `${who.tenant === null ? 'platform keys have' : `tenant "${who.tenant}" has`} ${pending} background exports queued or running, the most at once; retry once one has finished`)
        }
        const data = { kind: plan.kind, request, owner: who, createdAt: exportedAt, expiresAt: new Date(now + this.limits.ttlHours * 3600_000).toISOString(), estimated: total } as ExportJobData
        const id = randomUUID()
        await this.deps.jobs.enqueue(id, data)
        return { mode: 'job', total, job: this.view({ id, data, state: 'queued', progress: { rows: 0, total } }) }
      }
      const streamer = who.tenant ?? '*'
      const streams = this.streaming.get(streamer) ?? 0
      if (streams >= (this.limits.streamMax ?? Infinity)) {
        throw new BackpressureError(5, streams, `${streams} exports of ${who.tenant === null ? 'platform keys' : `tenant "${who.tenant}"`} are being downloaded from this server, the most at once; retry once one has finished`)
      }
      const summary = needsSummary(plan) ? await summarise(snapshot, plan, total) : undefined
      const outcome: RunOutcome = { rows: 0, bytes: 0, sha256: '' }
      const chunks = produce({ snapshot, plan, requester: who, exportedAt, ...(summary === undefined ? {} : { summary }), ...(this.deps.proofs === undefined ? {} : { proofs: this.deps.proofs }) }, outcome)
      this.streaming.set(streamer, streams + 1)
      let released = false
      // Once, however the reading ends: to the end, failed, or dropped (even before its first chunk was asked for).
      const release = async (): Promise<void> => {
        if (released) return
        released = true
        const n = (this.streaming.get(streamer) ?? 1) - 1
        if (n > 0) this.streaming.set(streamer, n)
        else this.streaming.delete(streamer)
        await snapshot.close()
      }
      const body = Readable.from(closing(chunks, release), BYTES)
      body.once('close', () => { release().catch(() => {}) })
      handedOver = true
      return { mode: 'stream', total, contentType: CONTENT_TYPES[plan.format], filename: downloadName(plan.kind, plan.format, exportedAt), body }
    } finally {
      if (!handedOver) await snapshot.close()
    }
  }

  private checkReportSize (plan: ExportPlan, total: number): void {
    if (needsSummary(plan) && total > this.limits.reportMax) {
      throw new ValidationError([{ index: 0, path: '/', message: `a report holds at most ${this.limits.reportMax} events and this one would hold ${total}: narrow the filters, or export CSV or NDJSON` }], `the ${plan.kind === 'export' ? 'export' : 'evidence pack'} request is invalid`)
    }
  }

  /** The status of a background export; another tenant's job (or an unmasked one, for a masked caller) is not found. */
  async status (id: string, who: Requester): Promise<ExportJobView> {
    return this.view(await this.owned(id, who))
  }

  async download (id: string, who: Requester): Promise<{ body: Readable, bytes: number, rows: number, contentType: string, filename: string }> {
    const record = await this.owned(id, who)
    const view = this.view(record)
    if (view.status === 'expired') throw new GoneError(`export ${id} expired at ${view.expires_at}`)
    if (record.state !== 'completed' || record.result === undefined) throw new NotReadyError(`export ${id} is ${view.status}; download it once its status is completed`)
    const file = await this.deps.files.open(record.result.file)
    if (file === undefined) throw new GoneError(`the file of export ${id} is no longer kept`)
    const format = formatOf(record.data)
    return { body: file.stream, bytes: file.bytes, rows: record.result.rows, contentType: CONTENT_TYPES[format], filename: downloadName(record.data.kind, format, record.data.createdAt) }
  }

  /** The manifest of a finished background evidence pack: the same bytes as manifest.json inside it. */
  async manifest (id: string, who: Requester): Promise<{ body: Readable, bytes: number }> {
    const record = await this.owned(id, who)
    const view = this.view(record)
    if (record.data.kind !== 'evidence-pack') throw new NotFoundError(`export ${id} is a ${view.format} export, not an evidence pack: it has no manifest`)
    if (view.status === 'expired') throw new GoneError(`export ${id} expired at ${view.expires_at}`)
    if (record.state !== 'completed') throw new NotReadyError(`export ${id} is ${view.status}; its manifest is written when its status is completed`)
    const file = await this.deps.files.open(record.result?.manifest ?? manifestOf(id))
    if (file === undefined) throw new GoneError(`the manifest of export ${id} is not kept apart (the pack holds it as manifest.json)`)
    return { body: file.stream, bytes: file.bytes }
  }

  /** Runs a background job (in the worker) with its owner's tenant and masking, writing the file. */
  async runJob (id: string, data: ExportJobData, progress: (rows: number, total: number) => void): Promise<ExportJobResult> {
    // Read as at the request's time, which the report states: relative dates at that instant, and no event dated
    // after it, so that a job that waited in the queue holds what was asked, not what arrived meanwhile.
    const requested = Date.parse(data.createdAt)
    const asked = data.kind === 'export' ? planExport(data.request, data.owner, requested) : planPack(data.request, data.owner, requested)
    const plan = { ...asked, query: { bool: { filter: [asked.query, { range: { '@timestamp': { lte: data.createdAt } } }] } } }
    const snapshot = await this.deps.open()
    try {
      const total = await snapshot.count(plan.query)
      this.checkReportSize(plan, total)
      progress(0, total)
      const summary: Summary | undefined = needsSummary(plan) ? await summarise(snapshot, plan, total) : undefined
      const outcome: RunOutcome = { rows: 0, bytes: 0, sha256: '' }
      const attempt = randomUUID().slice(0, 8)
      const file = fileOf(id, data, attempt)
      await this.deps.files.write(file, produce({
        snapshot, plan, requester: data.owner, exportedAt: data.createdAt, onRows: rows => progress(rows, total),
        ...(summary === undefined ? {} : { summary }), ...(this.deps.proofs === undefined ? {} : { proofs: this.deps.proofs })
      }, outcome))
      const manifest = outcome.manifest
      const manifestFile = manifest === undefined ? undefined : manifestOf(id, attempt)
      if (manifest !== undefined && manifestFile !== undefined) await this.deps.files.write(manifestFile, one(Buffer.from(manifestText(manifest))))
      return { file, ...(manifestFile === undefined ? {} : { manifest: manifestFile }), rows: outcome.rows, bytes: outcome.bytes, sha256: outcome.sha256, ...(outcome.eventsSha256 === undefined ? {} : { eventsSha256: outcome.eventsSha256 }), completedAt: new Date(this.now()).toISOString() }
    } finally {
      await snapshot.close()
    }
  }

  /**
   * Deletes expired jobs with their files, and files no job accounts for any more (older than the expiry). A file of a
   * job not expired yet stays, whatever its age: the job's expiry was set where it was requested, maybe longer.
   */
  async cleanup (): Promise<{ jobs: number, files: number }> {
    const now = this.now()
    let jobs = 0
    const kept = new Set<string>()
    for (const record of await this.deps.jobs.finished()) {
      if (Date.parse(record.data.expiresAt) > now) {
        for (const file of [record.result?.file, record.result?.manifest]) if (file !== undefined) kept.add(file)
        continue
      }
      await this.deps.files.remove(record.result?.file ?? fileOf(record.id, record.data))
      if (record.data.kind === 'evidence-pack') await this.deps.files.remove(record.result?.manifest ?? manifestOf(record.id))
      await this.deps.jobs.remove(record.id)
      jobs++
    }
    const files = await this.deps.files.sweep(now - this.limits.ttlHours * 3600_000, kept)
    return { jobs, files: files.length }
  }

  private async owned (id: string, who: Requester): Promise<ExportJobRecord> {
    // Export ids are UUIDs: any other text (such as the names of the queue's own keys) is no export.
    if (!EXPORT_ID.test(id)) throw new NotFoundError(`no export with id "${id}"`)
    const record = await this.deps.jobs.get(id)
    const owner = record?.data.owner
    // Masked data may be shared with an unmasked colleague, never the other way round.
    if (record === undefined || owner === undefined || owner.tenant !== who.tenant || (who.masked && !owner.masked)) {
      throw new NotFoundError(`no export with id "${id}"`)
    }
    return record
  }

  private view (r: ExportJobRecord): ExportJobView {
    const expired = Date.parse(r.data.expiresAt) <= this.now()
    const status = expired ? 'expired' : r.state
    return {
      id: r.id,
      kind: r.data.kind,
      format: formatOf(r.data),
      status,
      progress: r.progress,
      created_at: r.data.createdAt,
      expires_at: r.data.expiresAt,
      requested_by: r.data.owner.keyId,
      ...(r.result === undefined
        ? {}
        : { completed_at: r.result.completedAt, rows: r.result.rows, bytes: r.result.bytes, sha256: r.result.sha256, ...(r.result.eventsSha256 === undefined ? {} : { events_sha256: r.result.eventsSha256 }) }),
      ...(r.error === undefined ? {} : { error: r.error }),
      ...(status === 'completed' ? { download_url: `/v1/exports/${r.id}/download`, ...(r.data.kind === 'evidence-pack' ? { manifest_url: `/v1/exports/${r.id}/manifest` } : {}) } : {})
    }
  }
}

async function * one (buf: Buffer): AsyncGenerator<Buffer> {
  yield buf
}

/** The chunks, then `release` (closing the snapshot) once they are read or their reading stops. */
async function * closing (chunks: AsyncGenerator<Buffer>, release: () => Promise<void>): AsyncGenerator<Buffer> {
  try {
    yield * chunks
  } finally {
    await release()
  }
}
