import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { StoredEvent } from '../events/schema.ts'
import { QUEUES } from './policy.ts'

export interface EventsJob { events: StoredEvent[] }

export type EventsQueue = Queue<EventsJob, unknown, 'index'>

export function createEventsQueue (connection: Redis, prefix: string): EventsQueue {
  return new Queue<EventsJob, unknown, 'index'>(QUEUES.events.name, { connection, prefix, defaultJobOptions: QUEUES.events.job })
}

/** Jobs not yet finished: the measure backpressure is based on. */
export async function queueDepth (queue: EventsQueue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
  return Object.values(counts).reduce((a, b) => a + b, 0)
}
