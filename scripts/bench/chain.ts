/**
 * What the integrity chain costs: the end-to-end measure of scripts/bench/ingest.ts (posted over HTTP →
 * searchable, through the real API and worker processes), run with sealing off and on in the same run, each
 * on fresh indices, plus the time until every event is sealed. With rounds ≥ 2 the order alternates
 * (off, on, on, off, …) so JIT warm-up does not favour one side; each run's indices are deleted after it and
 * the next waits for a quiet Elasticsearch, so no run pays for the merges of the one before. Then the single
 * sealer alone, in rounds of 1,000 and of 5,000 entries.
 * Usage: node --import tsx scripts/bench/chain.ts [events=100000] [concurrency=4] [rounds=1] (engines running: npm run engines:up)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { canonicalize } from '../../src/integrity/canonical.ts'
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto'
import pino from 'pino'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { eventsAlias, partitionIndex } from '../../src/store/events/index-names.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices } from '../../src/store/integrity/integrity-indices.ts'
import { Sealer } from '../../src/sealing/sealer.ts'
import type { SealEntry } from '../../src/integrity/types.ts'
import { leafHashHex } from '../../src/integrity/merkle.ts'
import type { CheckpointFile } from '../../src/integrity/checkpoint-file.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import { queuedEntry } from '../../src/integrity/leaf.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { esCpuMeter, processCpuMs as cpuMs } from './cpu.ts'
import { makeBatch } from '../../test/helpers/events.ts'

const TOTAL = Number(process.argv[2] ?? 100_000)
const CONCURRENCY = Number(process.argv[3] ?? 4)
const ROUNDS = Number(process.argv[4] ?? 1)
const BATCH = 1000
const WARM = 5
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PORT = 3900 + Math.floor(Math.random() * 90)
const dir = await mkdtemp(join(tmpdir(), 'sillage-chain-'))
const seed = randomBytes(32).toString('base64')
const base = loadConfig(testEnv())
const es = createEs(base.elasticsearchUrl)
const caps = await detectCapabilities(es)
const redis = new Redis(base.redisUrl)
const made: Array<ReturnType<typeof loadConfig>> = []

type Body = ReturnType<typeof makeBatch>

function start (entry: string, env: Record<string, string>): ChildProcess {
  const profile = process.env.BENCH_PROFILE === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
  return spawn(process.execPath, [...profile, '--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
}

async function count (index: string): Promise<number> {
  try {
    await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true })
    return (await es.count({ index, ignore_unavailable: true, allow_no_indices: true })).count
  } catch {
    return -1 // a partition just created may have no started shard yet: ask again
  }
}

async function pool<T> (items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++] as T)
  }))
}

async function postAll (batches: Body[]): Promise<void> {
  await pool(batches, CONCURRENCY, async body => {
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/events`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `ApiKey ${KEYS.ingest}` }
    })
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  })
}

const esCpuMs = esCpuMeter(es)

/** Redis's CPU time so far (user + system), in ms: the queues' share, which /proc of the Node processes leaves out. */
async function redisCpuMs (): Promise<number> {
  const info = await redis.info('cpu')
  const field = (name: string): number => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0)
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000
}

const PARTS = ['api', 'worker', 'es', 'redis'] as const
type Cpu = Record<typeof PARTS[number], number>
interface RunResult { e2e: number, sealed?: number, cpu: Cpu }

/** One end-to-end run on fresh indices: API and worker started and warmed, then TOTAL events posted → searchable (→ sealed). */
async function run (integrity: 'on' | 'off', tag: string): Promise<RunResult> {
  const env = testEnv({ PORT: String(PORT), SILLAGE_QUEUE_MAX_JOBS: '1000000', SILLAGE_INTEGRITY: integrity, SILLAGE_CHECKPOINT_FILE: join(dir, `${tag}.ndjson`), SILLAGE_SIGNING_KEY: seed, SILLAGE_LOG_LEVEL: 'error' })
  const config = loadConfig(env)
  await installTemplates(es, { prefix: config.indexPrefix, replicas: 0, retentionDays: config.retentionDays }, caps)
  const api = start('src/server.ts', env)
  const worker = start('src/worker.ts', env)
  const alias = eventsAlias(config.indexPrefix)
  const log = new IntegrityStore(es, config.indexPrefix)
  try {
    for (let i = 0; !(await fetch(`http://127.0.0.1:${PORT}/health/ready`).then(r => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('the API did not become ready')
      await sleep(100)
    }
    await postAll(Array.from({ length: WARM }, (_, b) => makeBatch(`${tag}w`, b * BATCH, BATCH)))
    while (await count(alias) < WARM * BATCH) await sleep(100)
    const bodies = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => makeBatch(tag, b * BATCH, Math.min(BATCH, TOTAL - b * BATCH)))
    const cpu0: Cpu = { api: await cpuMs(api.pid), worker: await cpuMs(worker.pid), es: await esCpuMs(), redis: await redisCpuMs() }
    const t0 = performance.now()
    await postAll(bodies)
    while (await count(alias) < WARM * BATCH + TOTAL) await sleep(100)
    const searchable = performance.now()
    let sealed: number | undefined
    if (integrity === 'on') {
      while (await log.refresh().then(async () => await log.leafCount(), () => -1) < WARM * BATCH + TOTAL) await sleep(100)
      sealed = TOTAL / ((performance.now() - t0) / 1000)
    }
    const perEvent = async (before: number, now: Promise<number>): Promise<number> => (await now - before) * 1000 / TOTAL
    const cpu: Cpu = { api: await perEvent(cpu0.api, cpuMs(api.pid)), worker: await perEvent(cpu0.worker, cpuMs(worker.pid)), es: await perEvent(cpu0.es, esCpuMs()), redis: await perEvent(cpu0.redis, redisCpuMs()) }
    return { e2e: TOTAL / ((searchable - t0) / 1000), ...(sealed === undefined ? {} : { sealed }), cpu }
  } finally {
    api.kill('SIGTERM')
    worker.kill('SIGTERM')
    await Promise.all([api, worker].map(p => new Promise(resolve => p.exitCode !== null ? resolve(null) : p.once('exit', resolve))))
    // Merges of this run's indices would otherwise go on into the next run and be counted there.
    await cleanup(es, config)
    await quiet()
  }
}

/** Waits until Elasticsearch uses under a tenth of a core (its merges and flushes done), at most 30 s. */
async function quiet (): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const before = await esCpuMs()
    await sleep(500)
    if (await esCpuMs() - before < 50) return
  }
}

/** The worker's extra CPU per event: hash the queued canonical JSON. */
function leafCost (): number {
  const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(base), { indexPrefix: 'x', maxBatch: BATCH, queueMaxJobs: 1 })
  const jsons = Array.from({ length: 20 }, (_, b) => prepare.prepare(makeBatch('cost', b * BATCH, BATCH))).flat().map(e => ({ id: e.event.id, index: 'x', tenant: e.audit.tenant, json: canonicalize(e) }))
  let best = Infinity
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now()
    for (const queued of jsons) queuedEntry(queued)
    best = Math.min(best, (performance.now() - t0) * 1000 / jsons.length)
  }
  return best
}

/**
 * The single sealer's own cost, alone in this process against the real Elasticsearch, sealing rounds of a given
 * size as the seal turn does (entries straight from memory): its CPU per entry bounds what one sealer keeps up
 * with, whatever the worker processes in front of it, and Elasticsearch's CPU per entry is what storing the log
 * costs it. Seal jobs from Redis add their parsing (about a tenth of the entries go that way).
 */
async function sealerCost (round: number): Promise<{ cpu: number, wall: number, es: number }> {
  const prefix = `${base.indexPrefix}sealer${round}`
  const config = { ...base, indexPrefix: prefix }
  await installIntegrityIndices(es, prefix, 0)
  const sealer = new Sealer({ store: new IntegrityStore(es, prefix), file: { append: async () => undefined } as unknown as CheckpointFile, signingKey: generateKeyPairSync('ed25519').privateKey, log: pino({ level: 'error' }) })
  const index = partitionIndex(prefix, 'security', new Date().toISOString())
  const entries = (n: number): SealEntry[] => Array.from({ length: n }, (_, i) => ({ tenant: 'default', id: randomUUID(), index, leaf: leafHashHex(`${round}/${i}/${Math.random()}`) }))
  try {
    // Loads the (empty) log and warms the code up.
    for (let r = 0; r < 20_000 / round; r++) await sealer.seal(entries(round))
    const rounds = Math.ceil(TOTAL / round)
    let cpu = 0
    let wall = 0
    const es0 = await esCpuMs()
    for (let r = 0; r < rounds; r++) {
      const batch = entries(round)
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      await sealer.seal(batch)
      wall += performance.now() - t0
      const used = process.cpuUsage(cpu0)
      cpu += used.user + used.system
    }
    const esMs = await esCpuMs() - es0
    const n = rounds * round
    return { cpu: cpu / n, wall: wall * 1000 / n, es: esMs * 1000 / n }
  } finally {
    await cleanup(es, config)
  }
}

try {
  console.log(`Elasticsearch ${caps.version}; ${TOTAL} events in batches of ${BATCH}, ${CONCURRENCY} concurrent requests, ${ROUNDS} round(s)`)
  // A cold JVM indexes at a third of its speed: warm it before the first measured run.
  const warm = `${base.indexPrefix}warm`
  await installTemplates(es, { prefix: warm, replicas: 0, retentionDays: base.retentionDays }, caps)
  made.push({ ...base, indexPrefix: warm })
  const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(base), { indexPrefix: warm, maxBatch: BATCH, queueMaxJobs: 1 })
  for (let b = 0; b < 30; b++) {
    const docs = prepare.prepare(makeBatch('warm', b * BATCH, BATCH)).map(e => ({ index: partitionIndex(warm, e.audit.retention, e['@timestamp']), id: e.event.id, doc: JSON.stringify(e) }))
    await bulkCreate(es, docs)
  }
  await quiet()
  const results: Record<'on' | 'off', RunResult[]> = { on: [], off: [] }
  for (let r = 0; r < ROUNDS; r++) {
    const order: Array<'on' | 'off'> = r % 2 === 0 ? ['off', 'on'] : ['on', 'off']
    for (const mode of order) {
      const res = await run(mode, `c${Date.now().toString(36)}${mode}`)
      results[mode].push(res)
      console.log(`round ${r + 1}, sealing ${mode.padEnd(3)}: end to end ${Math.round(res.e2e).toLocaleString('en-US')} events/s${res.sealed === undefined ? '' : `; posted → sealed ${Math.round(res.sealed).toLocaleString('en-US')} events/s`}` +
        `; CPU per event: API ${res.cpu.api.toFixed(0)} µs, worker ${res.cpu.worker.toFixed(0)} µs, Elasticsearch ${res.cpu.es.toFixed(0)} µs, Redis ${res.cpu.redis.toFixed(0)} µs`)
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const off = mean(results.off.map(r => r.e2e))
  const on = mean(results.on.map(r => r.e2e))
  const sealed = mean(results.on.map(r => r.sealed ?? 0))
  const f = (n: number): string => `${Math.round(n).toLocaleString('en-US')} events/s`
  console.log(`leaf hash in the worker (SHA-256 of the queued canonical JSON): ${leafCost().toFixed(1)} µs/event`)
  for (const round of [1000, 5000]) {
    const alone = await sealerCost(round)
    console.log(`the single sealer alone, rounds of ${round.toLocaleString('en-US')}: ${alone.cpu.toFixed(1)} µs CPU per entry in its process, ${alone.wall.toFixed(1)} µs wall (keeps up with about ${Math.round(1e6 / alone.wall / 1000) * 1000} events/s); Elasticsearch ${alone.es.toFixed(1)} µs CPU per entry`)
  }
  console.log(`end to end, sealing off (posted → searchable): ${f(off)}`)
  console.log(`end to end, sealing on  (posted → searchable): ${f(on)}`)
  console.log(`sealing on, posted → sealed:                  ${f(sealed)}`)
  console.log(`on / off (searchable):                        ${(on / off).toFixed(3)}`)
  console.log(`on sealed / off searchable:                   ${(sealed / off).toFixed(3)}`)
  for (const part of PARTS) {
    console.log(`CPU per event, ${part.padEnd(6)} off → on:              ${mean(results.off.map(r => r.cpu[part])).toFixed(1)} → ${mean(results.on.map(r => r.cpu[part])).toFixed(1)} µs`)
  }
  // On a machine where every process shares the cores, throughput follows the CPU each event costs in total.
  const total = (r: RunResult): number => PARTS.reduce((sum, part) => sum + r.cpu[part], 0)
  const offTotal = mean(results.off.map(total))
  const onTotal = mean(results.on.map(total))
  console.log(`CPU per event, all    off → on:              ${offTotal.toFixed(1)} → ${onTotal.toFixed(1)} µs (sealing adds ${((onTotal / offTotal - 1) * 100).toFixed(1)} %)`)
  // The two runs of a round are back to back: their ratio is less exposed to the machine's drift over the whole run.
  const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 }
  const pairs = results.on.map((r, i) => r.e2e / (results.off[i] as RunResult).e2e)
  const cpuPairs = results.on.map((r, i) => total(r) / total(results.off[i] as RunResult))
  console.log(`on / off per round, end to end:               ${pairs.map(x => x.toFixed(3)).join(' ')} (median ${median(pairs).toFixed(3)})`)
  console.log(`on / off per round, CPU per event:            ${cpuPairs.map(x => x.toFixed(3)).join(' ')} (median ${median(cpuPairs).toFixed(3)})`)
} finally {
  for (const config of made) await cleanup(es, config)
  await es.close()
  redis.disconnect()
  await rm(dir, { recursive: true, force: true })
}
