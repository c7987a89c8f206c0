import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { canonicalize } from '../integrity/canonical.ts'
import { QUEUES } from './policy.ts'

/**
 * An accepted event on its way to the store. The document is serialised once, at ingest: the worker forwards
 * it to `_bulk` as it is, and only parses it back if Elasticsearch refuses it (for the dead letter).
 */
export interface QueuedEvent {
  id: string
  /** The partition it belongs to, from its own time and retention class. */
  index: string
  tenant: string
  /** The event in canonical JSON (sorted keys, no whitespace): what is stored, and what its integrity leaf hashes. */
  json: string
}

export interface EventsJob { events: QueuedEvent[] }

export type EventsQueue = Queue<EventsJob, unknown, 'index'>

export function createEventsQueue (connection: Redis, prefix: string): EventsQueue {
  return new Queue<EventsJob, unknown, 'index'>(QUEUES.events.name, { connection, prefix, defaultJobOptions: QUEUES.events.job })
}

/** Jobs not yet finished: the measure backpressure is based on. */
export async function queueDepth (queue: EventsQueue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children')
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

/** Memory the queue's Redis uses, and its `maxmemory` (0: no limit). */
export async function redisMemory (redis: Redis): Promise<{ used: number, max: number }> {
  const info = await redis.info('memory')
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0)
  return { used: field('used_memory'), max: field('maxmemory') }
}

/**
 * An event queued again by a replay, in canonical JSON: its `event.ingested` becomes the replay's time, when it
 * reaches the store, so that log streams and watch rules, which walk events by that time and have passed the
 * first receipt, see it. The refusal keeps the first receipt (the dead letter, the access log).
 */
export function receivedAgain (doc: Record<string, unknown>, at: Date): string {
  const event = doc.event !== null && typeof doc.event === 'object' ? doc.event : {}
  return canonicalize({ ...doc, event: { ...event, ingested: at.toISOString() } })
}

/**
 * Puts the failed jobs' events back in the queue as new jobs, received again now (`receivedAgain`) and with the
 * whole retry policy ahead of them, then removes the failed jobs. A crash between the two leaves a job twice,
 * which stores nothing twice (the worker writes each event once). Jobs are read 100 at a time; at most those
 * failed when it starts are put back. Returns how many.
 */
export async function retryFailedJobs (queue: EventsQueue, at = new Date()): Promise<number> {
  const total = await queue.getFailedCount()
  let moved = 0
  while (moved < total) {
    const jobs = await queue.getFailed(0, 99)
    if (jobs.length === 0) break
    for (const job of jobs.slice(0, total - moved)) {
      const events = job.data.events.map(e => ({ ...e, json: receivedAgain(JSON.parse(e.json) as Record<string, unknown>, at) }))
      await queue.add('index', { events })
      await job.remove()
    }
    moved += Math.min(jobs.length, total - moved)
  }
  return moved
}
