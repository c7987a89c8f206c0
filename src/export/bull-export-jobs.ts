import { Job } from 'bullmq'
import { EXPORT_JOB, type ExportsQueue } from '../queue/exports-queue.ts'
import type { ExportJobData, ExportJobRecord, ExportJobResult, ExportJobs } from './jobs.ts'

/** The exports queue with the export service's payload and result. */
export type ExportJobsQueue = ExportsQueue<ExportJobData, ExportJobResult>

const STATES: Record<string, ExportJobRecord['state']> = { active: 'running', completed: 'completed', failed: 'failed' }

/**
 * `queueState` is read before the job itself: a job read first may finish before its state is read, and would
 * then show as completed without its result (row count, size, SHA-256).
 */
function recordOf (job: Job<ExportJobData, ExportJobResult, string>, queueState: string): ExportJobRecord | undefined {
  if (job.name !== EXPORT_JOB || job.id === undefined) return undefined
  const state = STATES[queueState] ?? 'queued'
  const p = job.progress as { rows?: number, total?: number } | number
  const progress = typeof p === 'object' && p !== null ? { rows: p.rows ?? 0, total: p.total ?? job.data.estimated } : { rows: 0, total: job.data.estimated }
  return {
    id: job.id,
    data: job.data,
    state,
    progress,
    ...(state === 'completed' && job.returnvalue !== null && job.returnvalue !== undefined ? { result: job.returnvalue } : {}),
    ...(state === 'failed' ? { error: job.failedReason } : {})
  }
}

/** The export job ledger on BullMQ: job data holds the request and its owner, progress and result the rest. */
export class BullExportJobs implements ExportJobs {
  constructor (private readonly queue: ExportJobsQueue) {}

  async enqueue (id: string, data: ExportJobData): Promise<void> {
    await this.queue.add(EXPORT_JOB, data, { jobId: id })
  }

  async unfinishedOf (tenant: string | null): Promise<number> {
    // Bounded by the limit on each tenant's unfinished jobs: a few hundred at most across tenants.
    const jobs = await this.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'], 0, 9999)
    return jobs.filter(j => j.name === EXPORT_JOB && (j.data as ExportJobData | undefined)?.owner.tenant === tenant).length
  }

  async get (id: string): Promise<ExportJobRecord | undefined> {
    const state = await this.queue.getJobState(id)
    const job = await Job.fromId<ExportJobData, ExportJobResult, string>(this.queue, id)
    return job === undefined ? undefined : recordOf(job, state)
  }

  async finished (): Promise<ExportJobRecord[]> {
    const out: ExportJobRecord[] = []
    for (let start = 0; ; start += 1000) {
      const jobs = await this.queue.getJobs(['completed', 'failed'], start, start + 999, true)
      for (const job of jobs) {
        // Finished jobs stay finished: their state can be read after them.
        const record = recordOf(job as Job<ExportJobData, ExportJobResult, string>, await job.getState())
        if (record !== undefined) out.push(record)
      }
      if (jobs.length < 1000) return out
    }
  }

  async remove (id: string): Promise<void> {
    await this.queue.remove(id)
  }
}
