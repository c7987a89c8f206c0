/**
 * Entity store benchmark. Reads: on the read benchmarks' data set (prefix bench<events>, loaded when missing),
 * the store is built with `npm run cli -- entities-rebuild`, then each request runs from the scan and from the
 * store in the same run (alternating), with a key of the data set's tenant, and the two answers are compared.
 * Ingest: the end-to-end measure of scripts/bench/ingest.ts (API and worker processes, posted → every job done)
 * with SILLAGE_ENTITIES=off and on, in the same run, with the API's, the worker's and Elasticsearch's CPU per event.
 * Usage: node --import tsx scripts/bench/entities.ts [events=1000000] [runs=5, 0: ingest alone] [ingest events=100000, 0: reads alone]
 * (BENCH_REUSE_STORE=1 keeps a complete store an earlier run built instead of rebuilding it)
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { createEventsQueue, queueDepth } from '../../src/queue/events-queue.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { postEvents } from './post-events.ts'
import { makeBatch } from '../../test/helpers/events.ts'
import { ensureDataset } from './dataset.ts'
import { EntitiesStore } from '../../src/store/events/entities-store.ts'
import { esCpuMeter, processCpuMs } from './cpu.ts'
import { MAX_SCAN_LIMIT } from '../../src/analytics/behaviour/request.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 5)
const INGEST = Number(process.argv[4] ?? 100_000)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const KEY = 'bench-default-tenant-read-1'
const withKey = (env: Record<string, string>): Record<string, string> => ({ ...env, SILLAGE_API_KEYS: `${env.SILLAGE_API_KEYS ?? ''},${KEY}:read@default` })
const env = withKey(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const config = loadConfig(env)
const es = createEs(config.elasticsearchUrl)
const esCpu = esCpuMeter(es)

// The scans read as much as a request may ask (MAX_SCAN_LIMIT), so that they stay the reference as long as the data set allows.
const scanLimit = MAX_SCAN_LIMIT
const CASES: Array<[string, string, object]> = [
  ['funnel login → deposit → bet, 7 d', 'behaviour/funnel', { steps: [['login'], ['deposit'], ['bet_placed']], window: '7d', scanLimit }],
  ['funnel login → deposit → withdrawal, 30 d', 'behaviour/funnel', { steps: [['login'], ['deposit'], ['withdrawal']], window: '30d', scanLimit }],
  ['weekly cohorts, 12 weeks, Europe/Paris', 'behaviour/cohorts', { weeks: 12, timeZone: 'Europe/Paris', scanLimit }],
  ['addresses shared by ≥ 3 accounts', 'signals/shared-device', { by: 'ip', minUsers: 3 }],
  ['impossible travel', 'signals/impossible-travel', { scanLimit }],
  ['risky users (high, critical), top 20', 'analytics/risky-users', {}]
]

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] as number }
const f0 = (n: number): string => Math.round(n).toLocaleString('en-US')

/** The answer without what says how it was made; lists of users in one order. */
function essence (r: Json): string {
  const { bounds: _b, took_ms: _t, source: _s, exact: _e, ...rest } = r
  if (Array.isArray(rest.signals)) rest.signals = rest.signals.map((s: Json) => ({ ...s, users: [...s.users].sort() }))
  return JSON.stringify(rest)
}

function start (entry: string, args: string[], e: Record<string, string>, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: ROOT, env: { ...process.env, ...e }, stdio: ['ignore', stdout, 'inherit'] })
}

async function rebuild (): Promise<{ seconds: number, report: Json }> {
  const t0 = performance.now()
  const cli = start('src/cli/sillage.ts', ['entities-rebuild'], env, 'pipe')
  let out = ''
  cli.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  const code = await new Promise(resolve => cli.once('exit', resolve))
  if (code !== 0) throw new Error(`entities-rebuild exited with ${String(code)}`)
  return { seconds: (performance.now() - t0) / 1000, report: JSON.parse(out) as Json }
}

/** Whether the two sources gave the same answer, and why not when the difference is expected. */
function verdict (scan: Json | string, store: Json | string, answers: { scan: string, entities: string }): string {
  if (typeof scan === 'string' || typeof store === 'string') return [typeof scan === 'string' ? `scan ${scan}` : '', typeof store === 'string' ? `store ${store}` : ''].join(' ').trim()
  if (answers.scan === answers.entities) return 'yes'
  // Risky users from the scan are exact only when each partition's top users add up (`exact`); the store's always are.
  if (scan.exact === false) return 'no: the scan\'s is approximate (exact: false)'
  if (scan.bounds?.truncated === true) return `no: the scan stopped at its limit (${f0(scan.bounds.limit as number)})`
  return 'NO'
}

async function reads (): Promise<void> {
  await ensureDataset(es, config, TOTAL, s => console.log(s))
  if (process.env.BENCH_REUSE_STORE === '1' && (await new EntitiesStore(es, config.indexPrefix).completeness()).all) {
    console.log('store kept from an earlier run (BENCH_REUSE_STORE=1)')
  } else {
    const built = await rebuild()
    console.log(`store built by entities-rebuild in ${built.seconds.toFixed(1)} s: ${JSON.stringify(built.report.entities)}, ${f0(built.report.events)} events read`)
  }
  const api = await composeApi(config, es)
  await api.app.listen({ port: 0, host: '127.0.0.1' })
  const address = api.app.server.address()
  const root = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1/`
  const call = async (path: string, body: object | undefined): Promise<{ ms: number, answer: Json }> => {
    const t0 = performance.now()
    const res = await fetch(root + path, body === undefined ? { headers: { authorization: `ApiKey ${KEY}` } } : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `ApiKey ${KEY}` } })
    const answer = await res.json() as Json
    if (res.status !== 200) throw new Error(JSON.stringify(answer))
    return { ms: performance.now() - t0, answer }
  }
  try {
    console.log(`\n${f0(TOTAL)} events; ${RUNS} runs per source after 1 warm-up run, alternating; milliseconds`)
    console.log('| Request | scan median | scan p95 | store median | store p95 | speed-up | same answer |')
    console.log('|---|---|---|---|---|---|---|')
    for (const [name, path, body] of CASES) {
      const times = { scan: [] as number[], entities: [] as number[] }
      const answers = { scan: '', entities: '' }
      const first: Record<string, Json | string> = {}
      for (const source of ['scan', 'entities'] as const) {
        // A source the engine refuses (a 503 for a request larger than its memory allows) is reported, not timed.
        first[source] = await call(path, { ...body, source }).then(r => r.answer, (err: Error) => `refused: ${err.message}`)
        answers[source] = typeof first[source] === 'string' ? first[source] : essence(first[source])
      }
      for (let i = 0; i < RUNS; i++) {
        const order: Array<'scan' | 'entities'> = i % 2 === 0 ? ['scan', 'entities'] : ['entities', 'scan']
        for (const source of order) if (typeof first[source] !== 'string') times[source].push((await call(path, { ...body, source })).ms)
      }
      const same = verdict(first.scan as Json | string, first.entities as Json | string, answers)
      const cell = (xs: number[], p: number): string => xs.length === 0 ? '–' : f0(pct(xs, p))
      const ratio = times.scan.length === 0 || times.entities.length === 0 ? '–' : `${(pct(times.scan, 0.5) / pct(times.entities, 0.5)).toFixed(1)}×`
      console.log(`| ${name} | ${cell(times.scan, 0.5)} | ${cell(times.scan, 0.95)} | ${cell(times.entities, 0.5)} | ${cell(times.entities, 0.95)} | ${ratio} | ${same} |`)
    }
    const profile: number[] = []
    const users = await es.search({ index: `${config.indexPrefix}-entities`, size: 50, query: { term: { kind: 'user' } }, _source: ['key'] })
    for (const h of users.hits.hits) profile.push((await call(`users/${String((h._source as { key: string }).key)}/profile`, undefined)).ms)
    console.log(`| profile card (GET /v1/users/:id/profile), 50 users | | | ${pct(profile, 0.5).toFixed(1)} | ${pct(profile, 0.95).toFixed(1)} | | |`)
  } finally {
    await api.close()
  }
}

interface IngestRun { done: number, searchable: number, api: number, worker: number, es: number }

/** Posted over HTTP → every job done (events stored, entities updated when on), on fresh indices. */
async function ingest (entities: 'on' | 'off', tag: string): Promise<IngestRun> {
  const port = 3900 + Math.floor(Math.random() * 90)
  const e = withKey(testEnv({ PORT: String(port), SILLAGE_QUEUE_MAX_JOBS: '1000000', SILLAGE_ENTITIES: entities, SILLAGE_LOG_LEVEL: 'error' }))
  const c = loadConfig(e)
  await installTemplates(es, { prefix: c.indexPrefix, replicas: 0, retentionDays: c.retentionDays }, await detectCapabilities(es))
  const api = start('src/server.ts', [], e)
  const worker = start('src/worker.ts', [], e)
  const redis = createRedis(c.redis, 'producer')
  await connectRedis(redis, c.redis)
  const queue = createEventsQueue(redis, c.queuePrefix)
  const alias = eventsAlias(c.indexPrefix)
  const count = async (): Promise<number> => await es.indices.refresh({ index: alias, ignore_unavailable: true, allow_no_indices: true }).then(async () => (await es.count({ index: alias, ignore_unavailable: true, allow_no_indices: true })).count, () => -1)
  try {
    for (let i = 0; !(await fetch(`http://127.0.0.1:${port}/health/ready`).then(r => r.ok, () => false)); i++) {
      if (i > 300) throw new Error('the API did not become ready')
      await sleep(100)
    }
    await postEvents(port, KEYS.ingest, Array.from({ length: 5 }, (_, b) => makeBatch(`${tag}w`, b * 1000, 1000)))
    while (await count() < 5000 || await queueDepth(queue) > 0) await sleep(100)
    const bodies = Array.from({ length: Math.ceil(INGEST / 1000) }, (_, b) => makeBatch(tag, b * 1000, Math.min(1000, INGEST - b * 1000)))
    const [a0, w0, es0] = [await processCpuMs(api.pid), await processCpuMs(worker.pid), await esCpu()]
    const t0 = performance.now()
    await postEvents(port, KEYS.ingest, bodies)
    let searchable = 0
    for (;;) {
      if (searchable === 0 && await count() >= 5000 + INGEST) searchable = performance.now()
      if (searchable > 0 && await queueDepth(queue) === 0) break
      await sleep(100)
    }
    const done = performance.now()
    const per = (ms: number): number => ms * 1000 / INGEST
    return { done: INGEST / ((done - t0) / 1000), searchable: INGEST / ((searchable - t0) / 1000), api: per(await processCpuMs(api.pid) - a0), worker: per(await processCpuMs(worker.pid) - w0), es: per(await esCpu() - es0) }
  } finally {
    api.kill('SIGTERM')
    worker.kill('SIGTERM')
    await Promise.all([api, worker].map(p => new Promise(resolve => p.exitCode !== null ? resolve(null) : p.once('exit', resolve))))
    await queue.close()
    redis.disconnect()
    await cleanup(es, c)
  }
}

async function ingestCost (): Promise<void> {
  console.log(`\nIngest, ${f0(INGEST)} events in batches of 1,000, 4 concurrent requests, entity store off and on in the same run (order off, on, on, off)`)
  const runs: Array<[string, IngestRun]> = []
  for (const [i, mode] of (['off', 'on', 'on', 'off'] as const).entries()) runs.push([mode, await ingest(mode, `ent${Date.now().toString(36)}${i}`)])
  console.log('| Store | run | posted → searchable | posted → all jobs done | API CPU µs/event | worker CPU µs/event | Elasticsearch CPU µs/event |')
  console.log('|---|---|---|---|---|---|---|')
  for (const [i, [mode, r]] of runs.entries()) console.log(`| ${mode} | ${i + 1} | ${f0(r.searchable)} events/s | ${f0(r.done)} events/s | ${r.api.toFixed(1)} | ${r.worker.toFixed(1)} | ${r.es.toFixed(1)} |`)
}

try {
  if (RUNS > 0) await reads()
  if (INGEST > 0) await ingestCost()
} finally {
  await es.close()
}
