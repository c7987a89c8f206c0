import { Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from '../queue/policy.ts'
import type { DeliveryJob } from '../queue/webhooks-queue.ts'
import { deliverOnce, type DeliverDeps } from '../notify/deliver.ts'

export interface WebhooksWorkerOptions { prefix: string, concurrency: number }

/** Sends webhook deliveries; a failed attempt throws and is retried with exponential back-off. */
export function startWebhooksWorker (connection: Redis, deps: DeliverDeps, options: WebhooksWorkerOptions): Worker<DeliveryJob, string, 'deliver'> {
  return new Worker<DeliveryJob, string, 'deliver'>(QUEUES.webhooks.name, async (job: Job<DeliveryJob, string, 'deliver'>) => {
    const attempt = job.attemptsMade + 1
    return await deliverOnce(job.data, attempt, attempt >= (job.opts.attempts ?? 1), deps)
  }, { connection, prefix: options.prefix, concurrency: options.concurrency })
}
