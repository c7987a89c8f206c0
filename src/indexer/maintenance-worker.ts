import { Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import { QUEUES } from '../queue/policy.ts'
import { createMaintenanceQueue } from '../queue/maintenance-queue.ts'

export type MaintenanceTask = () => Promise<unknown>

/** Scheduled housekeeping (the retention sweep); the scheduler makes one run per period across all workers. */
export async function startMaintenance (connection: Redis, prefix: string, everyMs: number, sweep: MaintenanceTask): Promise<{ close: () => Promise<void> }> {
  const queue = await createMaintenanceQueue(connection, prefix, everyMs)
  const worker = new Worker(QUEUES.maintenance.name, async () => await sweep(), { connection, prefix, concurrency: 1 })
  return {
    close: async () => {
      await worker.close()
      await queue.close()
    }
  }
}
