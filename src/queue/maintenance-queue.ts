import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'

/** Scheduled housekeeping: `retention-sweep` jobs carry no data, the sweep reads what it needs. */
export type MaintenanceJobName = 'retention-sweep'
export type MaintenanceQueue = Queue<unknown, unknown, MaintenanceJobName>

/** The maintenance queue, its scheduler making one sweep per period across all workers. */
export async function createMaintenanceQueue (connection: Redis, prefix: string, everyMs: number): Promise<MaintenanceQueue> {
  const queue: MaintenanceQueue = new Queue(QUEUES.maintenance.name, { connection, prefix })
  await queue.upsertJobScheduler('retention-sweep', { every: everyMs }, { name: 'retention-sweep', opts: QUEUES.maintenance.job })
  return queue
}
