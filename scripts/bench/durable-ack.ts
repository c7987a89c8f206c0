/**
 * The cost of durable acknowledgement (SILLAGE_DURABLE_ACK=on), measured in the ingest benchmark: the API
 * alone (no worker, the queue absorbs everything) posts the same batches against a Redis of its own, once with
 * `appendfsync everysec` and the default acknowledgement, once durable (WAITAOF on Redis 7.2+, else
 * `appendfsync always`). The shared Redis is never reconfigured.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, open, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface AckRun { mode: string, batch: number, rate: number, p50: number, p99: number, rounds?: number[] }

type Body = { events: Array<Record<string, unknown>> }

async function freePort (): Promise<number> {
  return await new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
  })
}

async function waitFor (check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) { if (await check().catch(() => false)) return; await sleep(100) }
  throw new Error(`${what} did not come up`)
}

/** Posts every body (ids made unique per run) `concurrency` at a time; rate and request latency quantiles. */
async function post (url: string, key: string, bodies: Body[], tag: string, concurrency: number): Promise<Pick<AckRun, 'rate' | 'p50' | 'p99'>> {
  const latencies: number[] = []
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as Body
      const events = body.events.map(e => ({ ...e, event: { ...(e.event as object), id: `${tag}-${(e.event as { id: string }).id}` } }))
      const started = performance.now()
      const res = await fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify({ events }), headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` } })
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
      await res.arrayBuffer()
      latencies.push(performance.now() - started)
    }
  }))
  const events = bodies.reduce((n, b) => n + b.events.length, 0)
  latencies.sort((a, b) => a - b)
  const q = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0
  return { rate: events / ((performance.now() - t0) / 1000), p50: q(0.5), p99: q(0.99) }
}

/** The same events in requests of `size` (the last one may be shorter). */
function rebatch (bodies: Body[], size: number): Body[] {
  const events = bodies.flatMap(b => b.events)
  return Array.from({ length: Math.ceil(events.length / size) }, (_, i) => ({ events: events.slice(i * size, (i + 1) * size) }))
}

/**
 * Both acknowledgement modes, in the same run, on the same events: in the benchmark's batches, and in
 * requests of 10 events (where a per-request fsync weighs most); the API alone, against a Redis started here.
 */
export async function durableAckRuns (env: Record<string, string>, key: string, bodies: Body[], concurrency: number): Promise<AckRun[]> {
  const sets = [bodies, rebatch(bodies.slice(0, Math.max(1, Math.floor(bodies.length / 5))), 10)]
  const dir = `${ROOT}.local/bench-redis`
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const port = await freePort()
  const redisUrl = `redis://127.0.0.1:${port}`
  const server = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' })
  const redis = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 100 })
  redis.on('error', () => {})
  const runs: AckRun[] = []
  let api: ChildProcess | undefined
  try {
    await redis.connect().catch(() => {}) // keeps retrying until the server listens
    await waitFor(async () => (await redis.ping()) === 'PONG', 'the benchmark\'s Redis')
    const modes = [
      { mode: 'default (everysec, 202 once Redis holds the job)', fsync: 'everysec', durable: 'off' },
      { mode: 'durable (SILLAGE_DURABLE_ACK=on)', fsync: 'always', durable: 'on' }
    ]
    // Twice each, in the order A B B A, so that warming up and the load of the machine favour neither.
    for (const [i, m] of [modes[0], modes[1], modes[1], modes[0]].entries()) {
      if (m === undefined) continue
      await redis.config('SET', 'appendfsync', m.fsync)
      const apiPort = await freePort()
      api = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(apiPort), REDIS_URL: redisUrl, SILLAGE_DURABLE_ACK: m.durable, SILLAGE_QUEUE_MAX_MEMORY_PERCENT: '0', SILLAGE_RATE_LIMIT_PER_MINUTE: '10000000' }, stdio: ['ignore', 'ignore', 'inherit'] })
      const url = `http://127.0.0.1:${apiPort}`
      await waitFor(async () => (await fetch(`${url}/health`)).ok, 'the API')
      await post(url, key, bodies.slice(0, 10), `w${i}`, concurrency) // warm-up
      for (const [j, set] of sets.entries()) runs.push({ mode: m.mode, batch: set[0]?.events.length ?? 0, ...await post(url, key, set, `d${i}${j}`, concurrency) })
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
  // One row per mode and request size: the mean of its two rounds.
  const rows = new Map<string, AckRun[]>()
  for (const r of runs) rows.set(`${r.mode}|${r.batch}`, [...rows.get(`${r.mode}|${r.batch}`) ?? [], r])
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  return [...rows.values()].map(rs => ({ ...rs[0] as AckRun, rate: mean(rs.map(r => r.rate)), rounds: rs.map(r => r.rate), p50: mean(rs.map(r => r.p50)), p99: mean(rs.map(r => r.p99)) }))
}

/** Mean time of a 1 KB append + fsync in `dir`: what appendfsync always adds per write, on this disk. */
export async function fsyncMs (dir: string, n = 300): Promise<number> {
  await mkdir(dir, { recursive: true })
  const path = `${dir}/fsync-probe`
  const file = await open(path, 'a')
  const t0 = performance.now()
  try {
    for (let i = 0; i < n; i++) { await file.write(Buffer.alloc(1024, 120)); await file.sync() }
  } finally { await file.close(); await rm(path, { force: true }) }
  return (performance.now() - t0) / n
}

export function printAckTable (runs: AckRun[], fsync?: number): void {
  console.log('\nAcknowledgement modes (API alone, its own Redis, the same events):')
  if (fsync !== undefined) console.log(`(an append + fsync takes ${fsync.toFixed(2)} ms on this disk: the durable mode costs about that per write round of Redis)`)
  console.log('| mode | events per request | HTTP ingest (mean of 2 rounds: each) | request p50 | request p99 | vs default |')
  console.log('|---|---|---|---|---|---|')
  const n = (x: number): string => Math.round(x).toLocaleString('en-US')
  for (const r of [...runs].sort((a, b) => b.batch - a.batch)) {
    const base = runs.find(b => b.batch === r.batch)?.rate ?? r.rate
    console.log(`| ${r.mode} | ${r.batch} | ${n(r.rate)} events/s (${(r.rounds ?? []).map(n).join(' / ')}) | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${(r.rate / base).toFixed(2)} |`)
  }
}
