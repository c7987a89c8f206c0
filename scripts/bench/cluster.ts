/**
 * Ingest on the local three-node cluster beside a single node, in the same run: the API and the worker as
 * separate processes, events posted over HTTP until all are searchable, on the single node (no replicas), the
 * cluster without replicas and the cluster with one replica; rounds alternate the order. Prints the rates, their
 * ratio to the single node, Elasticsearch's CPU per event (all its processes, from /proc) and the size of a
 * stored event; then the Redis memory a queued event takes (queue-memory.ts).
 * Usage: npm run bench:cluster -- [events=50000] [rounds=2]
 * The single node is the benchmark's own (not the shared one, whose CPU other work would add to), with the heap
 * of a cluster node (SILLAGE_BENCH_HEAP, default 384m); the cluster (scripts/engines/cluster.sh) is started
 * unless it answers. Both are stopped at the end if the benchmark started them.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { createEs, type Es } from '../../src/store/elasticsearch.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { makeBatch } from '../../test/helpers/events.ts'
import { postEvents } from './post-events.ts'
import { processCpuMs } from './cpu.ts'
import { printQueueMemory, queueMemory } from './queue-memory.ts'

const TOTAL = Number(process.argv[2] ?? 50_000)
const ROUNDS = Number(process.argv[3] ?? 2)
const BATCH = 1000
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SINGLE_PORT = 9221
const SINGLE = `http://127.0.0.1:${SINGLE_PORT}`
const HEAP = process.env.SILLAGE_BENCH_HEAP ?? '384m'
const CLUSTER = process.env.SILLAGE_BENCH_CLUSTER_URL ?? 'http://127.0.0.1:9211'
const run = promisify(execFile)

interface Target { name: string, url: string, replicas: number }
const TARGETS: Target[] = [
  { name: 'single node, no replica', url: SINGLE, replicas: 0 },
  { name: 'three nodes, no replica', url: CLUSTER, replicas: 0 },
  { name: 'three nodes, 1 replica', url: CLUSTER, replicas: 1 }
]

interface Run { rate: number, cpuPerEvent: number, diskPerEvent: number }

const answers = async (url: string): Promise<boolean> => await fetch(url, { signal: AbortSignal.timeout(2000) }).then(r => r.ok, () => false)

/** Elasticsearch's CPU so far, summed over every node of the cluster behind `es` (they all run here). */
async function esCpu (es: Es): Promise<number> {
  const info = await es.nodes.info({ metric: 'process' })
  const ms = await Promise.all(Object.values(info.nodes).map(async n => await processCpuMs(n.process?.id)))
  return ms.reduce((a, b) => a + b, 0)
}

async function count (es: Es, index: string): Promise<number> {
  await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true })
  return (await es.count({ index, ignore_unavailable: true, allow_no_indices: true })).count
}

/**
 * Posted → searchable through an API and a worker of their own, on fresh indices removed afterwards. A first
 * batch, not timed, creates the partitions: creating an index costs a cluster-state update, which three nodes
 * on a loaded machine take seconds to agree on, and a service creates a partition once a month.
 */
async function endToEnd (target: Target, tag: string, total: number): Promise<Run> {
  const port = 3900 + Math.floor(Math.random() * 90)
  const env = testEnv({ PORT: String(port), ELASTICSEARCH_URL: target.url, SILLAGE_INDEX_REPLICAS: String(target.replicas), SILLAGE_QUEUE_MAX_JOBS: '1000000', SILLAGE_RATE_LIMIT_PER_MINUTE: '10000000' })
  const config = loadConfig(env)
  const es = createEs(target.url)
  const bodies = Array.from({ length: Math.ceil(total / BATCH) }, (_, b) => makeBatch(tag, b * BATCH, Math.min(BATCH, total - b * BATCH)))
  const start = (entry: string): ChildProcess => spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const api = start('src/server.ts')
  const worker = start('src/worker.ts')
  try {
    for (let i = 0; !await answers(`http://127.0.0.1:${port}/health/ready`); i++) {
      if (i > 600) throw new Error('the API did not become ready')
      await sleep(100)
    }
    await postEvents(port, KEYS.ingest, [makeBatch(`${tag}first`, 0, BATCH)])
    while (await count(es, eventsAlias(config.indexPrefix)) < BATCH) await sleep(100)
    const cpu0 = await esCpu(es)
    const t0 = performance.now()
    await postEvents(port, KEYS.ingest, bodies)
    while (await count(es, eventsAlias(config.indexPrefix)) < BATCH + total) await sleep(100)
    const seconds = (performance.now() - t0) / 1000
    const cpuPerEvent = (await esCpu(es) - cpu0) / total
    // Size on disk once merged to one segment, as a month's partition ends up: what sizing shards needs.
    const partitions = `${config.indexPrefix}-events-*`
    await es.indices.forcemerge({ index: partitions, max_num_segments: 1 })
    const stats = await es.indices.stats({ index: partitions, metric: 'store' })
    return { rate: total / seconds, cpuPerEvent, diskPerEvent: (stats._all.primaries?.store?.size_in_bytes ?? 0) / (BATCH + total) }
  } finally {
    for (const p of [api, worker]) { p.kill('SIGTERM'); await new Promise(resolve => p.once('exit', resolve)) }
    await cleanup(es, config)
    await es.close()
  }
}

const cluster = async (command: string): Promise<void> => {
  await run('bash', [`${ROOT}scripts/engines/cluster.sh`, command], { cwd: ROOT, timeout: 600_000, env: { ...process.env, SILLAGE_CLUSTER_HEAP: HEAP } })
}
const single = async (command: string): Promise<void> => {
  await run('bash', [`${ROOT}scripts/engines/es.sh`, command], {
    cwd: ROOT,
    timeout: 600_000,
    env: { ...process.env, ELASTICSEARCH_URL: SINGLE, SILLAGE_ES_PORT: String(SINGLE_PORT), SILLAGE_ES_HOME: `${ROOT}.local/bench-single`, SILLAGE_ES_BUILD_HOME: `${ROOT}.local/cluster`, SILLAGE_ES_HEAP: HEAP }
  })
}

const startedCluster = !await answers(CLUSTER)
if (startedCluster) { console.log(`starting the three-node cluster (scripts/engines/cluster.sh up, ${HEAP} heaps)`); await cluster('up') }
console.log(`starting a single node of the benchmark's own on ${SINGLE} (${HEAP} heap)`)
await single('start')
try {
  console.log(`${TOTAL} events in batches of ${BATCH}, 4 requests in flight, ${ROUNDS} rounds; one API and one worker process`)
  // Cold JVMs index at a fraction of their speed: a first, unmeasured run on each.
  for (const target of TARGETS) await endToEnd(target, `warm${TARGETS.indexOf(target)}`, Math.min(TOTAL, 20_000))
  const results = new Map<string, Run[]>()
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order, so that the machine's load and warming favour none of them.
    for (const target of round % 2 === 0 ? TARGETS : [...TARGETS].reverse()) {
      const r = await endToEnd(target, `r${round}t${TARGETS.indexOf(target)}`, TOTAL)
      console.log(`round ${round + 1}, ${target.name}: ${Math.round(r.rate).toLocaleString('en-US')} events/s end to end, Elasticsearch ${(r.cpuPerEvent * 1000).toFixed(0)} µs CPU per event`)
      results.set(target.name, [...results.get(target.name) ?? [], r])
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const n = (x: number): string => Math.round(x).toLocaleString('en-US')
  const base = mean((results.get(TARGETS[0]?.name ?? '') ?? []).map(r => r.rate))
  console.log('\n| Elasticsearch | end to end, posted → searchable (mean: each round) | vs single node | Elasticsearch CPU per event | primary on disk per event |')
  console.log('|---|---|---|---|---|')
  for (const target of TARGETS) {
    const rs = results.get(target.name) ?? []
    console.log(`| ${target.name} | ${n(mean(rs.map(r => r.rate)))} events/s (${rs.map(r => n(r.rate)).join(' / ')}) | ${(mean(rs.map(r => r.rate)) / base).toFixed(2)} | ${(mean(rs.map(r => r.cpuPerEvent)) * 1000).toFixed(0)} µs | ${n(mean(rs.map(r => r.diskPerEvent)))} B |`)
  }
  const env = testEnv()
  printQueueMemory(await queueMemory(env, KEYS.ingest, Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => makeBatch('qm', b * BATCH, Math.min(BATCH, TOTAL - b * BATCH)))))
} finally {
  await single('stop')
  await rm(`${ROOT}.local/bench-single`, { recursive: true, force: true })
  if (startedCluster) await cluster('down')
}
