/**
 * Redis memory per queued event, for sizing the queue's Redis: the API alone (no worker, so every job stays
 * queued) posts events to a Redis of its own, and `INFO memory` is read before and after. Measured with
 * requests of 1,000 events and of 10 (a job per request: small requests pay the job's own keys per event),
 * each on a flushed Redis. The shared Redis is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { postEvents } from './post-events.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

type Body = { events: Array<Record<string, unknown>> }

export interface QueueMemory { perRequest: number, events: number, bytes: number, perEvent: number, perEventRss: number, jsonPerEvent: number }

async function freePort (): Promise<number> {
  return await new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
  })
}

async function waitFor (check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) { if (await check().catch(() => false)) return; await sleep(100) }
  throw new Error(`${what} did not come up`)
}

const memory = async (redis: Redis): Promise<{ used: number, rss: number }> => {
  const info = await redis.info('memory')
  const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN)
  return { used: field('used_memory'), rss: field('used_memory_rss') }
}

/** The same events in requests of `size`. */
const rebatch = (bodies: Body[], size: number): Body[] => {
  const events = bodies.flatMap(b => b.events)
  return Array.from({ length: Math.ceil(events.length / size) }, (_, i) => ({ events: events.slice(i * size, (i + 1) * size) }))
}

export async function queueMemory (env: Record<string, string>, key: string, bodies: Body[]): Promise<QueueMemory[]> {
  const dir = `${ROOT}.local/bench-queue-redis`
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const port = await freePort()
  const redisUrl = `redis://127.0.0.1:${port}`
  // No AOF here: it changes nothing in memory, and its rewrites would only add noise to the RSS.
  const server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' })
  const redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 100 })
  redis.on('error', () => {})
  const results: QueueMemory[] = []
  let api: ChildProcess | undefined
  try {
    await redis.connect().catch(() => {})
    await waitFor(async () => (await redis.ping()) === 'PONG', 'the benchmark\'s Redis')
    for (const size of [1000, 10]) {
      const set = size === 1000 ? bodies : rebatch(bodies.slice(0, Math.max(1, Math.floor(bodies.length / 5))), size)
      const events = set.reduce((n, b) => n + b.events.length, 0)
      const apiPort = await freePort()
      api = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: ROOT,
        env: { ...process.env, ...env, PORT: String(apiPort), REDIS_URL: redisUrl, SILLAGE_QUEUE_MAX_MEMORY_PERCENT: '0', SILLAGE_QUEUE_MAX_JOBS: '10000000', SILLAGE_RATE_LIMIT_PER_MINUTE: '10000000' },
        stdio: ['ignore', 'ignore', 'inherit']
      })
      await waitFor(async () => (await fetch(`http://127.0.0.1:${apiPort}/health`)).ok, 'the API')
      // A first request creates the queue's own keys; only what the events add is counted.
      await postEvents(apiPort, key, [{ events: [{ ...set[0]?.events[0], event: { id: `warm-up-${size}`, action: 'login' } }] }])
      const before = await memory(redis)
      await postEvents(apiPort, key, set)
      const after = await memory(redis)
      const jsonPerEvent = JSON.stringify(set.flatMap(b => b.events)).length / events
      results.push({ perRequest: size, events, bytes: after.used - before.used, perEvent: (after.used - before.used) / events, perEventRss: (after.rss - before.rss) / events, jsonPerEvent })
      api.kill('SIGTERM')
      await new Promise(resolve => api?.once('exit', resolve))
      api = undefined
      await redis.flushall()
    }
  } finally {
    api?.kill('SIGKILL')
    redis.disconnect()
    server.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
  }
  return results
}

export function printQueueMemory (rows: QueueMemory[]): void {
  console.log('\nRedis memory per queued event (API alone, no worker, its own Redis; INFO memory before and after):')
  console.log('| events per request | events queued | used_memory added | per event | RSS per event | client JSON per event |')
  console.log('|---|---|---|---|---|---|')
  const n = (x: number): string => Math.round(x).toLocaleString('en-US')
  for (const r of rows) console.log(`| ${r.perRequest} | ${n(r.events)} | ${(r.bytes / 1048576).toFixed(1)} MiB | ${n(r.perEvent)} B | ${n(r.perEventRss)} B | ${n(r.jsonPerEvent)} B |`)
}
