import { Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from '../queue/policy.ts'
import type { RuleJob, RuleJobName } from '../queue/rules-queue.ts'
import type { RuleRunner } from '../watch/rule-runner.ts'
import type { RuleRun } from '../watch/run-schema.ts'

export interface RulesWorkerOptions { prefix: string, concurrency: number }

/** Deletes what is past its retention (run logs, delivery logs); returns what it deleted. */
export type Housekeeping = () => Promise<Record<string, number>>

/**
 * Runs watch rules as their schedulers queue them. Each job is one run of one rule, taken by one worker; a
 * failing run throws after logging itself, and BullMQ retries it (policy in queue/policy.ts). Closing stops the
 * runs in progress between two steps (each releases its rule's lock and is retried), so a stopping worker
 * neither waits out a long run nor leaves a rule locked.
 */
export function startRulesWorker (connection: Redis, runner: RuleRunner, housekeeping: Housekeeping, options: RulesWorkerOptions): { worker: Worker<RuleJob, RuleRun | Record<string, number>, RuleJobName>, close: () => Promise<void> } {
  const stopping = new AbortController()
  const worker = new Worker<RuleJob, RuleRun | Record<string, number>, RuleJobName>(QUEUES.rules.name, async (job: Job<RuleJob, RuleRun | Record<string, number>, RuleJobName>) => {
    if (job.name === 'housekeeping') return await housekeeping()
    const attempt = job.attemptsMade + 1
    return await runner.run({ ruleId: job.data.ruleId, tenant: job.data.tenant, jobId: job.id as string, attempt, willRetry: attempt < (job.opts.attempts ?? 1), signal: stopping.signal })
  }, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    // A run renews its job lock while it goes; a dead worker's run is taken again after the lock lapses.
    lockDuration: 60_000
  })
  return { worker, close: async () => { stopping.abort(); await worker.close() } }
}
