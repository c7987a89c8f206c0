import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'

/** One alert to one webhook; the job id is the delivery's idempotency id, so it is queued once. */
export interface DeliveryJob { deliveryId: string, webhookId: string, alertId: string, tenant: string | null }
export type WebhooksQueue = Queue<DeliveryJob, unknown, 'deliver'>

/** `backoffMs`: first retry delay, doubled at each retry (SILLAGE_WEBHOOK_BACKOFF_MS). */
export function createWebhooksQueue (connection: Redis, prefix: string, backoffMs: number = QUEUES.webhooks.job.backoff.delay): WebhooksQueue {
  return new Queue<DeliveryJob, unknown, 'deliver'>(QUEUES.webhooks.name, {
    connection, prefix, defaultJobOptions: { ...QUEUES.webhooks.job, backoff: { type: 'exponential', delay: backoffMs } }
  })
}

export async function enqueueDeliveries (queue: WebhooksQueue, jobs: readonly DeliveryJob[]): Promise<void> {
  if (jobs.length === 0) return
  await queue.addBulk(jobs.map(data => ({ name: 'deliver' as const, data, opts: { jobId: data.deliveryId } })))
}
