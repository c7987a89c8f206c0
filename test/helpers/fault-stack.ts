import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import { Queue } from 'bullmq'
import { startStack, type Stack } from './stack.ts'
import { QUEUES } from '../../src/queue/policy.ts'

export interface FaultStack extends Stack {
  /** Where the API listens (real HTTP, so the client sees what a client would). */
  url: string
  /** The ingest queue, read-only use: job counts per state. */
  queue: Queue
  /** `/health/ready`: its status and what it says of each component. */
  ready: () => Promise<{ status: number, components: Record<string, string> }>
}

/** A test stack on the given engines, with its API listening on a loopback port. */
export async function startFaultStack (t: Test, env: Record<string, string>, options: { worker?: boolean } = {}): Promise<FaultStack> {
  const stack = await startStack(t, { env: { SILLAGE_WORKER_LOCK_MS: '3000', SILLAGE_LOG_LEVEL: 'fatal', ...env }, ...options })
  const queue = new Queue(QUEUES.events.name, { connection: { url: stack.config.redisUrl, maxRetriesPerRequest: 1 }, prefix: stack.config.queuePrefix })
  queue.on('error', () => {}) // refused while a test has Redis down
  t.teardown(async () => { await queue.close() })
  await stack.api.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = stack.api.app.server.address() as { port: number }
  const url = `http://127.0.0.1:${port}`
  const ready = async (): Promise<{ status: number, components: Record<string, string> }> => {
    const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(10_000) })
    return { status: res.status, components: ((await res.json()) as { components?: Record<string, string> }).components ?? {} }
  }
  return { ...stack, url, queue, ready }
}

/** Polls `probe` every `everyMs` until stopped; keeps each distinct value with when it was first seen. */
export function watch<T> (probe: () => Promise<T>, everyMs = 1000): { seen: Array<{ at: number, value: T | string }>, stop: () => Promise<void> } {
  const seen: Array<{ at: number, value: T | string }> = []
  const t0 = performance.now()
  let stopped = false
  const loop = (async () => {
    while (!stopped) {
      const value = await probe().catch((err: Error) => `error: ${err.message}`)
      if (JSON.stringify(seen.at(-1)?.value) !== JSON.stringify(value)) seen.push({ at: performance.now() - t0, value })
      await sleep(everyMs)
    }
  })()
  return { seen, stop: async () => { stopped = true; await loop } }
}
