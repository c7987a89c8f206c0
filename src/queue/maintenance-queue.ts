import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from './policy.ts'
import { createPeriodicQueue } from './periodic-queue.ts'

/** Scheduled housekeeping: `retention-sweep` jobs carry no data, the sweep reads what it needs. */
export type MaintenanceJobName = 'retention-sweep'
export type MaintenanceQueue = Queue<unknown, unknown, MaintenanceJobName>

/** The maintenance queue, its scheduler making one sweep per period across all workers. */
export async function createMaintenanceQueue (connection: Redis, prefix: string, everyMs: number): Promise<MaintenanceQueue> {
  return await createPeriodicQueue(connection, prefix, QUEUES.maintenance, 'retention-sweep', everyMs)
}
