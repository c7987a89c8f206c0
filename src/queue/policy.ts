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
  maintenance: {
    name: 'maintenance',
    job: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 }, removeOnComplete: 100, removeOnFail: 100 } satisfies JobsOptions
  }
} as const

const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 60_000

/** Delay before retry number `attemptsMade` (1-based). */
export function cappedExponentialBackoff (attemptsMade: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1))
}
