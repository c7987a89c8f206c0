import type { JobsOptions } from 'bullmq'

/** Every queue the service uses, with all its policy in one place. */
export const QUEUES = {
  events: {
    name: 'events',
    job: {
      // Long enough to ride out an Elasticsearch restart (about 50 minutes of back-off, capped at one minute per wait).
      attempts: 60,
      backoff: { type: 'capped-exponential' },
      removeOnComplete: true,
      // Failed jobs are kept: they hold accepted events and can be replayed (`npm run cli -- replay-failed`).
      removeOnFail: false
    } satisfies JobsOptions
  },
  seal: {
    name: 'seal',
    // One seal or checkpoint job at a time across all workers: a log is appended by a single writer.
    globalConcurrency: 1,
    job: {
      // Sealing retries as long as indexing does; failed jobs are kept, they hold stored events not yet in the log.
      attempts: 60,
      backoff: { type: 'capped-exponential' },
      removeOnComplete: true,
      removeOnFail: false
    } satisfies JobsOptions,
    checkpoint: { attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 100 } satisfies JobsOptions
  },
  maintenance: {
    name: 'maintenance',
    job: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 100, removeOnFail: 100 } satisfies JobsOptions
  },
  selfWatch: {
    // The pipeline's look at itself: one run per period across all workers; a failed run is simply the next one's to do.
    name: 'selfwatch',
    job: { attempts: 1, removeOnComplete: true, removeOnFail: 20 } satisfies JobsOptions
  },
  exports: {
    name: 'exports',
    job: {
      // An export is rewritten from nothing when retried, so a few attempts are safe.
      attempts: 3,
      backoff: { type: 'exponential', delay: 10_000 },
      // Kept until they expire: the status, the owner and the file go together; the expiry sweep removes them.
      removeOnComplete: false,
      removeOnFail: false
    } satisfies JobsOptions,
    // The expiry sweep shares the queue: one job per period, nothing kept of it.
    cleanup: { removeOnComplete: true, removeOnFail: 10 } satisfies JobsOptions
  },
  rules: {
    name: 'watch-rules',
    // A failed run is retried; the next run starts where the last successful one ended, so no events are skipped.
    job: { attempts: 3, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 100, removeOnFail: 500 } satisfies JobsOptions,
    // A run holds its rule this long at most; a run still going after that lets the next one in.
    lockMs: 15 * 60_000,
    // Deleting old run and delivery logs: one job per period, nothing kept of it.
    housekeeping: { removeOnComplete: true, removeOnFail: 10 } satisfies JobsOptions
  },
  webhooks: {
    name: 'webhooks',
    job: {
      // About 11 hours of exponential back-off (13 retries) with the default first delay of 5 s (SILLAGE_WEBHOOK_BACKOFF_MS).
      attempts: 14,
      backoff: { type: 'exponential', delay: 5000 },
      // Kept a day: adding the same delivery again (same job id) while it is kept is a no-op.
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 }
    } satisfies JobsOptions
  }
} as const

const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 60_000

/** Delay before retry number `attemptsMade` (1-based). */
export function cappedExponentialBackoff (attemptsMade: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1))
}
