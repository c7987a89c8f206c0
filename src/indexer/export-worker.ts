import { UnrecoverableError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ConflictError, GoneError, NotFoundError, ValidationError } from '../errors.ts'
import { QUEUES } from '../queue/policy.ts'
import { IntegrityConflictError } from '../integrity/checkpoint-service.ts'
import type { ExportService } from '../export/export-service.ts'
import type { ExportJobData, ExportJobResult } from '../export/jobs.ts'
import { CLEANUP_JOB } from '../queue/exports-queue.ts'
import type { ExportJobsQueue } from '../export/bull-export-jobs.ts'

export interface ExportWorkerOptions {
  /** Where the cause of a failed export goes: its owner is shown only that it failed. */
  log: Logger
  prefix: string
  concurrency: number
  lockMs: number
  cleanupMs: number
}

const PROGRESS_EVERY_MS = 500

/**
 * The error an export's owner reads (`GET /v1/exports/{id}`): the service's own refusals, and an integrity log that
 * contradicts its signed checkpoints, with their reasons and not tried again (they would fail the same way); any
 * other failure (Elasticsearch's answer, a file system path) is logged here, shown only as a failure to look up,
 * and retried.
 */
export function shownError (err: Error, id: string, log: Logger): Error {
  if (err instanceof ValidationError || err instanceof ConflictError || err instanceof GoneError || err instanceof NotFoundError || err instanceof IntegrityConflictError) {
    const details = err instanceof ValidationError ? err.errors.map(e => e.message).filter(m => !err.message.includes(m)) : []
    return new UnrecoverableError(details.length === 0 ? err.message : `${err.message}: ${details.join('; ')}`)
  }
  log.error({ err, export: id }, 'export failed')
  return new Error(`the export failed on the server; an administrator finds the cause in the worker's log under export ${id}`)
}

/**
 * Runs background exports and, on a schedule shared by every worker, deletes expired ones. Progress is
 * written at most twice a second, and once more at the end.
 */
export async function startExportWorker (connection: Redis, queue: ExportJobsQueue, service: ExportService, options: ExportWorkerOptions): Promise<Worker<ExportJobData, ExportJobResult | { jobs: number, files: number }, string>> {
  await queue.upsertJobScheduler('exports-cleanup', { every: options.cleanupMs }, { name: CLEANUP_JOB, opts: QUEUES.exports.cleanup })
  return new Worker<ExportJobData, ExportJobResult | { jobs: number, files: number }, string>(QUEUES.exports.name, async (job: Job<ExportJobData, ExportJobResult | { jobs: number, files: number }, string>) => {
    if (job.name === CLEANUP_JOB) return await service.cleanup()
    let last = 0
    let latest = { rows: 0, total: job.data.estimated }
    const result = await service.runJob(job.id as string, job.data, (rows, total) => {
      latest = { rows, total }
      if (Date.now() - last < PROGRESS_EVERY_MS && rows !== 0) return
      last = Date.now()
      job.updateProgress(latest).catch(() => undefined)
    }).catch((err: Error) => { throw shownError(err, job.id as string, options.log) })
    await job.updateProgress({ rows: result.rows, total: latest.total })
    return result
  }, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    // The lock is renewed while an export runs; a dead worker's export starts again elsewhere after lockMs.
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs
  })
}
