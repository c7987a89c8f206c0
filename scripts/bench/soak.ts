/**
 * Soak: steady ingest and steady reads for a long while through the real API and worker processes (started as
 * the benchmarks start them), printing one line a minute — events accepted, ingest and search latency, queue
 * depth, indexing lag, RSS, V8 heap (in use and committed) and external memory, and CPU of each process, dead
 * letters — then a verdict computed from those lines (late minutes against the first ones after warm-up,
 * slopes over the second half, the memory budgets) and a final check that every event answered 202 is stored
 * exactly once or dead-lettered. The processes run from the compiled build, as in production. Its own index
 * and queue prefix, loopback only; everything it made is removed at the end.
 * Usage: npm run soak -- [minutes=30] [events/s=300] [queries/s=2]   (engines running: npm run engines:up)
 * BENCH_NODE_ARGS and the environment (e.g. MALLOC_ARENA_MAX) reach the service's processes: see service-processes.ts.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Queue } from 'bullmq'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { deadLetterIndex } from '../../src/store/system/dead-letters.ts'
import { QUEUES } from '../../src/queue/policy.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { readOutcome } from '../../test/helpers/fault-invariant.ts'
import { esCpuMeter, processCpuMs } from './cpu.ts'
import { rssMb, v8Memory } from './process-memory.ts'
import { buildService, serviceArgs, startService, type Role } from './service-processes.ts'
import { emptyTally, Recent, startIngest, startLagProbe, startQueries, type Tally } from './soak-load.ts'
import { checkLines, judge, mean, TABLE_HEAD, tableLine, windows, type Check, type MinuteRow } from './soak-verdict.ts'

/** Samples a process answered (a metrics scrape may time out on a busy machine). */
const known = (xs: number[]): number[] => xs.filter(x => !Number.isNaN(x))
const lowest = (xs: number[]): number => { const ok = known(xs); return ok.length === 0 ? Number.NaN : Math.min(...ok) }
const arg = (i: number, fallback: number): number => {
  const v = Number(process.argv[i] ?? fallback)
  if (!(v > 0)) throw new Error(`argument ${i - 1} must be a positive number (usage: npm run soak -- [minutes=30] [events/s=300] [queries/s=2])`)
  return v
}
const MINUTES = Math.round(arg(2, 30))
const RATE = arg(3, 300)
const QPS = arg(4, 2)
const BATCH = 50

async function freePort (): Promise<number> {
  return await new Promise(resolve => {
    const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)) })
  })
}

const dir = await mkdtemp(join(tmpdir(), 'sillage-soak-'))
const prefix = `soak${randomBytes(3).toString('hex')}`
const port = await freePort()
const workerMetricsPort = await freePort()
const env = testEnv({
  PORT: String(port), SILLAGE_WORKER_METRICS_PORT: String(workerMetricsPort), HOST: '127.0.0.1', SILLAGE_INDEX_PREFIX: prefix, SILLAGE_QUEUE_PREFIX: prefix, SILLAGE_LOG_LEVEL: 'warn',
  SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64'), SILLAGE_EXPORT_DIR: join(dir, 'exports')
})
const config = loadConfig(env)
const url = `http://127.0.0.1:${port}`
const es = createEs(config.elasticsearchUrl)
const esCpuMs = esCpuMeter(es)
const alias = eventsAlias(prefix)
const every = { ignore_unavailable: true, allow_no_indices: true }
const pendingLetters = { bool: { must_not: [{ exists: { field: 'replayed_at' } }] } }

// A process that dies, a refused batch or Ctrl-C ends the soak early, through the same clean-up.
const abort = new AbortController()
const fatal = (err: Error): void => { if (!abort.signal.aborted) abort.abort(err) }
process.once('SIGINT', () => fatal(new Error('interrupted')))
let stopping = false

function start (name: Role): ChildProcess {
  const log = openSync(join(dir, `${name}.log`), 'a')
  const child = startService(name, env, ['ignore', log, log])
  child.once('exit', (code, signal) => { if (!stopping) fatal(new Error(`the ${name} process exited (${code ?? signal})`)) })
  return child
}

async function stop (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])) return
  child.kill('SIGKILL')
  await exited
}

async function count (index: string, query?: object): Promise<number> {
  return await es.count({ index, ...every, ...(query === undefined ? {} : { query }) }).then(r => r.count, () => 0)
}

/** Warnings and errors each process logged (pino levels 40 and up), with the first few messages. */
async function logSummary (name: string): Promise<string> {
  const lines = (await readFile(join(dir, `${name}.log`), 'utf8').catch(() => '')).split('\n').filter(l => l !== '')
  const levels = lines.map(l => { try { return JSON.parse(l) as { level?: number, msg?: string } } catch { return { level: 50, msg: l } } })
  const bad = levels.filter(l => (l.level ?? 0) >= 40)
  const messages = [...new Set(bad.map(l => l.msg ?? ''))].slice(0, 3)
  return `${name}: ${bad.filter(l => l.level === 40).length} warnings, ${bad.filter(l => (l.level ?? 0) >= 50).length} errors${messages.length > 0 ? ` (${messages.join(' | ').slice(0, 400)})` : ''}`
}

let api: ChildProcess | undefined
let worker: ChildProcess | undefined
const queue = new Queue(QUEUES.events.name, { connection: { url: config.redisUrl, maxRetriesPerRequest: 1 }, prefix: config.queuePrefix })
queue.on('error', () => {})
let failed = false
try {
  const caps = await detectCapabilities(es)
  console.log(`Soak, ${new Date().toISOString()}: ${MINUTES} min, ${RATE} events/s in batches of ${BATCH}, ${QPS} reads/s; ` +
    `${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Elasticsearch ${caps.version}; prefix ${prefix}` +
    `; service settings from the environment: ${Object.keys(process.env).filter(k => (k.startsWith('SILLAGE_') || k.startsWith('MALLOC_')) && !/KEY|SECRET|PASSWORD|TOKEN/.test(k)).map(k => `${k}=${process.env[k]}`).join(' ') || 'defaults'}` +
    `; node ${process.version}, compiled build: API ${serviceArgs('api').join(' ')}, worker ${serviceArgs('worker').join(' ')}`)
  await buildService()
  api = start('api')
  worker = start('worker')
  for (let i = 0; !(await fetch(`${url}/health/ready`).then(r => r.ok, () => false)); i++) {
    if (i > 600) throw new Error('the API did not become ready in 60 s')
    await sleep(100, undefined, { signal: abort.signal })
  }
  // One event through the whole path before the clock starts: the worker is up and indexing.
  const first = await fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify({ event: { id: `${prefix}-ready`, action: 'login', outcome: 'success' }, user: { id: 'u-ready' } }), headers: { 'content-type': 'application/json', authorization: `ApiKey ${KEYS.ingest}` } })
  if (first.status !== 202) throw new Error(`ingest answered ${first.status}: ${await first.text()}`)
  for (let i = 0; await count(alias, { term: { 'event.id': `${prefix}-ready` } }) === 0; i++) {
    if (i > 1200) throw new Error('the first event was not searchable within 2 minutes')
    await sleep(100, undefined, { signal: abort.signal })
  }

  let tally: Tally = emptyTally()
  const current = (): Tally => tally
  const accepted: string[] = [`${prefix}-ready`]
  const recent = new Recent()
  const probe = startLagProbe({ es, alias, everyMs: 5000, tally: current })
  const seenErrors = new Set<string>()
  const ingest = startIngest({ url, key: KEYS.ingest, run: prefix, rate: RATE, batch: BATCH, tally: current, recent, accepted, onAccepted: probe.offer, fatal })
  const reads = startQueries({
    url, key: KEYS.read, perSecond: QPS, tally: current, recent,
    onError: what => { if (seenErrors.size < 5 && !seenErrors.has(what)) { seenErrors.add(what); console.log(`  read error: ${what}`) } }
  })

  // Samples between two minute lines, every 2 s: queue depth, RSS, V8 heap and external memory of each process.
  const series = ['queue', 'rssApi', 'rssWorker', 'heapApi', 'heapWorker', 'committedApi', 'committedWorker', 'externalApi', 'externalWorker'] as const
  const fresh = (): Record<typeof series[number], number[]> => Object.fromEntries(series.map(k => [k, []])) as unknown as Record<typeof series[number], number[]>
  let samples = fresh()
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const counts = await queue.getJobCounts('waiting', 'active').catch(() => undefined)
      if (counts !== undefined) samples.queue.push((counts.waiting ?? 0) + (counts.active ?? 0))
      samples.rssApi.push(await rssMb(api?.pid))
      samples.rssWorker.push(await rssMb(worker?.pid))
      const [a, w] = [await v8Memory(`${url}/metrics`, KEYS.admin), await v8Memory(`http://127.0.0.1:${workerMetricsPort}/metrics`)]
      samples.heapApi.push(a.heapUsedMb)
      samples.heapWorker.push(w.heapUsedMb)
      samples.committedApi.push(a.heapTotalMb)
      samples.committedWorker.push(w.heapTotalMb)
      samples.externalApi.push(a.externalMb)
      samples.externalWorker.push(w.externalMb)
      await sleep(2000)
    }
  })()

  const rows: MinuteRow[] = []
  const { warmup } = windows(MINUTES)
  let cpu0 = { api: await processCpuMs(api.pid), worker: await processCpuMs(worker.pid), es: await esCpuMs() }
  console.log(TABLE_HEAD.join('\n'))
  const t0 = performance.now()
  let t = t0
  try {
    for (let m = 1; m <= MINUTES; m++) {
      await sleep(Math.max(0, t0 + m * 60_000 - performance.now()), undefined, { signal: abort.signal })
      const done = tally
      tally = emptyTally()
      const s = samples
      samples = fresh()
      const cpu = { api: await processCpuMs(api.pid), worker: await processCpuMs(worker.pid), es: await esCpuMs() }
      const now = performance.now()
      const pct = (k: keyof typeof cpu): number => (cpu[k] - cpu0[k]) / (now - t) * 100
      const row: MinuteRow = {
        minute: m, ...done, queue: s.queue, rssApiMb: mean(known(s.rssApi)), rssWorkerMb: mean(known(s.rssWorker)),
        heapApiMb: lowest(s.heapApi), heapWorkerMb: lowest(s.heapWorker),
        committedApiMb: mean(known(s.committedApi)), committedWorkerMb: mean(known(s.committedWorker)),
        externalApiMb: mean(known(s.externalApi)), externalWorkerMb: mean(known(s.externalWorker)),
        cpuApi: pct('api'), cpuWorker: pct('worker'), cpuEs: pct('es'),
        deadLetters: await count(deadLetterIndex(prefix), pendingLetters), load1: loadavg()[0] ?? 0
      }
      cpu0 = cpu
      t = now
      rows.push(row)
      console.log(tableLine(row, m <= warmup))
    }
  } finally {
    await ingest.stop()
    await reads.stop()
    await probe.stop()
    sampling = false
    await sampler
  }

  // Every accepted event is settled (stored or dead-lettered) once the queue is empty; then one exact count by id.
  const stoppedAt = performance.now()
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed')
    const depth = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0)
    await es.indices.refresh({ index: [alias, deadLetterIndex(prefix)], ...every })
    if (depth === 0 && await count(alias) + await count(deadLetterIndex(prefix), pendingLetters) >= accepted.length) break
    if (performance.now() - stoppedAt > 300_000) { console.log('the queue did not drain within 5 minutes of the load stopping'); break }
    await sleep(1000, undefined, { signal: abort.signal })
  }
  const drained = (performance.now() - stoppedAt) / 1000
  await sleep(3000) // a job re-delivered after a lost lock would finish now
  const outcome = await readOutcome(es, prefix)
  const want = new Set(accepted)
  const missing = accepted.filter(id => !outcome.stored.has(id) && !outcome.deadLettered.has(id)).length
  const twice = [...outcome.stored.values()].filter(n => n > 1).length
  const unasked = [...outcome.stored.keys()].filter(id => !want.has(id)).length
  const both = [...outcome.deadLettered].filter(id => outcome.stored.has(id)).length
  const failedJobs = (await queue.getJobCounts('failed')).failed ?? 0
  console.log(`\nAfter the load: queue drained and every event settled ${drained.toFixed(1)} s after it stopped. ${accepted.length.toLocaleString('en-US')} events answered 202 ` +
    `(${want.size === accepted.length ? 'all ids distinct' : `${accepted.length - want.size} ids repeated`}): stored once ${(outcome.stored.size - twice).toLocaleString('en-US')}, ` +
    `dead-lettered ${outcome.deadLettered.size}, missing ${missing}, stored twice ${twice}, stored without a 202 ${unasked}, both stored and dead-lettered ${both}; failed jobs in Redis ${failedJobs}`)
  const exact: Check = {
    name: 'every 202 stored exactly once or dead-lettered', value: `${missing} missing, ${twice} twice, ${unasked} unasked, ${both} both, ${failedJobs} failed jobs`,
    baseline: `${accepted.length.toLocaleString('en-US')} accepted`, limit: 'all 0', pass: missing + twice + unasked + both + failedJobs === 0 && want.size === accepted.length
  }
  const checks = [...judge(rows, RATE / BATCH), exact]
  console.log(`\n${checkLines(checks).join('\n')}`)
  failed = checks.some(c => c.pass === false)
  console.log(`\nVerdict: ${failed ? 'FAIL' : 'PASS'} (${checks.filter(c => c.pass === true).length} of ${checks.length} checks pass${checks.some(c => c.pass === undefined) ? ', some not judged on so short a run' : ''})`)
} catch (err) {
  failed = true
  console.error(`soak stopped: ${((abort.signal.reason as Error | undefined) ?? err as Error).message}`)
} finally {
  stopping = true
  await Promise.all([api, worker].map(async p => { if (p !== undefined) await stop(p) }))
  for (const name of ['api', 'worker']) console.log(await logSummary(name))
  await queue.close()
  await cleanup(es, config)
  await es.close()
  await rm(dir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
