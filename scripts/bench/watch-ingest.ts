/**
 * Ingest throughput with and without 50 active watch rules: the end-to-end measure of ingest.ts (API and worker
 * processes, batches of 1,000 posted over HTTP by 4 clients, posted → searchable), each run on fresh indices,
 * alternating the modes over rounds (off, on, on, off, …) so that the machine's drift falls on both. With rules
 * on, the tenant's admin creates the 50 rules through the API (every 10 s, look-back 1 min) before the warm-up,
 * and the worker runs them while the events arrive. Also the CPU per event of the API, the worker and
 * Elasticsearch, and the rule runs that ended meanwhile.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import type { Es } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { ruleRunsIndex } from '../../src/store/system/rule-runs-store.ts'
import type { RuleRun } from '../../src/watch/run-schema.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { postEvents } from './post-events.ts'
import { benchEvent } from './dataset.ts'
import { esCpuMeter, processCpuMs } from './cpu.ts'
import { likeUsers, RULES, rulesWith } from './watch-rules.ts'
import { median } from './watch-runs.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ADMIN = 'bench-watch-admin-key-0001'
const BATCH = 1000
const WARM = 5
type Mode = 'off' | 'on'
type Body = { events: Array<Record<string, unknown>> }
interface Round { rate: number, seconds: number, cpu: { api: number, worker: number, es: number }, runs: RuleRun[], killed: boolean }

const f0 = (n: number): string => Math.round(n).toLocaleString('en-US')

/** The data set's kind of events, happening now (the last `count` milliseconds), under ids of this run. */
function batches (tag: string, count: number): Body[] {
  const now = Date.now()
  const event = (i: number): Record<string, unknown> => {
    const e = benchEvent(i, now)
    return likeUsers({ ...e, '@timestamp': new Date(now - count + i).toISOString(), event: { ...(e.event as object), id: `${tag}-${i}` } }, i)
  }
  return Array.from({ length: Math.ceil(count / BATCH) }, (_, b) => ({ events: Array.from({ length: Math.min(BATCH, count - b * BATCH) }, (_, k) => event(b * BATCH + k)) }))
}

async function until (what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** SIGTERM, as an operator stops a process (the worker first finishes the rule runs it has going); SIGKILL after 20 s. */
async function stop (p: ChildProcess): Promise<boolean> {
  if (p.exitCode !== null || p.signalCode !== null) return false
  const exited = new Promise(resolve => p.once('exit', resolve))
  p.kill('SIGTERM')
  if (await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)])) return false
  p.kill('SIGKILL')
  await exited
  return true
}

async function round (es: Es, mode: Mode, total: number, tag: string): Promise<Round> {
  const port = 3900 + Math.floor(Math.random() * 90)
  const env = testEnv({ PORT: String(port), SILLAGE_QUEUE_MAX_JOBS: '1000000', SILLAGE_LOG_LEVEL: 'error' })
  env.SILLAGE_API_KEYS = `${env.SILLAGE_API_KEYS ?? ''},${ADMIN}:admin@default`
  const config = loadConfig(env)
  await installTemplates(es, { prefix: config.indexPrefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  const start = (entry: string): ChildProcess => spawn(process.execPath, ['--import', 'tsx', entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const [api, worker] = [start('src/server.ts'), start('src/worker.ts')]
  const alias = eventsAlias(config.indexPrefix)
  const count = async (): Promise<number> => await es.indices.refresh({ index: alias, ignore_unavailable: true, allow_no_indices: true })
    .then(async () => (await es.count({ index: alias, ignore_unavailable: true, allow_no_indices: true })).count, () => -1)
  const esCpu = esCpuMeter(es)
  let killed = false
  try {
    await until('the API', async () => await fetch(`http://127.0.0.1:${port}/health/ready`).then(r => r.ok, () => false), 60_000)
    if (mode === 'on') {
      for (const rule of rulesWith('10s', '1m')) {
        const res = await fetch(`http://127.0.0.1:${port}/v1/watch-rules`, { method: 'POST', body: JSON.stringify(rule), headers: { 'content-type': 'application/json', authorization: `ApiKey ${ADMIN}` } })
        if (res.status !== 201) throw new Error(`creating a rule answered ${res.status}: ${await res.text()}`)
      }
    }
    await postEvents(port, KEYS.ingest, batches(`${tag}w`, WARM * BATCH))
    await until('the warm-up events', async () => await count() >= WARM * BATCH, 120_000)
    const bodies = batches(tag, total)
    const cpu0 = { api: await processCpuMs(api.pid), worker: await processCpuMs(worker.pid), es: await esCpu() }
    const t0 = Date.now()
    await postEvents(port, KEYS.ingest, bodies)
    await until('the events', async () => await count() >= WARM * BATCH + total, 600_000)
    const seconds = (Date.now() - t0) / 1000
    const per = (ms: number): number => ms * 1000 / total
    const cpu = { api: per(await processCpuMs(api.pid) - cpu0.api), worker: per(await processCpuMs(worker.pid) - cpu0.worker), es: per(await esCpu() - cpu0.es) }
    const runs = mode === 'off'
      ? []
      : (await es.search<RuleRun>({ index: ruleRunsIndex(config.indexPrefix), size: 10_000, query: { range: { finished_at: { gte: t0, lte: Date.now(), format: 'epoch_millis' } } } })).hits.hits.map(h => h._source as RuleRun)
    const round = { rate: total / seconds, seconds, cpu, runs }
    killed = (await Promise.all([stop(api), stop(worker)]))[1]
    return { ...round, killed }
  } finally {
    await Promise.all([stop(api), stop(worker)])
    await cleanup(es, config)
    // Merges of this run's indices would otherwise go on into the next run and be counted there.
    for (let i = 0, before = await esCpu(); i < 60; i++, before = await esCpu()) {
      await sleep(500)
      if (await esCpu() - before < 50) break
    }
  }
}

export async function ingestWithRules (es: Es, total: number, pairs: number): Promise<void> {
  console.log(`\nIngest with 50 rules off and on: ${f0(total)} events per run, batches of ${BATCH} by 4 clients, posted → searchable, fresh indices, ${pairs * 2} runs alternating`)
  const results: Record<Mode, Round[]> = { off: [], on: [] }
  for (let r = 0; r < pairs; r++) {
    for (const mode of (r % 2 === 0 ? ['off', 'on'] : ['on', 'off']) as Mode[]) {
      const res = await round(es, mode, total, `w${Date.now().toString(36)}`)
      results[mode].push(res)
      const runs = res.runs
      const ran = mode === 'off'
        ? ''
        : `${res.killed ? '; the worker was still in rule runs 20 s after SIGTERM and was killed' : ''}; ${runs.length} rule runs ended meanwhile (a rule every ${(res.seconds * RULES.length / Math.max(1, runs.length)).toFixed(0)} s: ${runs.filter(x => x.status !== 'succeeded').length} not succeeded, median ${f0(median(runs.map(x => x.duration_ms)))} ms, ` +
          `${f0(runs.reduce((a, x) => a + x.scanned, 0))} events read, ${runs.reduce((a, x) => a + x.raised, 0)} alerts raised, ${runs.filter(x => x.truncated).length} truncated)`
      console.log(`round ${r + 1}, rules ${mode.padEnd(3)}: ${f0(res.rate)} events/s; CPU per event: API ${res.cpu.api.toFixed(0)} µs, worker ${res.cpu.worker.toFixed(0)} µs, Elasticsearch ${res.cpu.es.toFixed(0)} µs${ran}`)
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const [off, on] = [mean(results.off.map(r => r.rate)), mean(results.on.map(r => r.rate))]
  const pairRatios = results.on.map((r, i) => r.rate / (results.off[i] as Round).rate)
  console.log(`end to end, rules off: ${f0(off)} events/s (baseline); rules on: ${f0(on)} events/s; on / off ${(on / off).toFixed(2)} (per round ${pairRatios.map(x => x.toFixed(2)).join(' ')}, median ${median(pairRatios).toFixed(2)})`)
  for (const part of ['api', 'worker', 'es'] as const) {
    console.log(`CPU per event, ${part.padEnd(6)} off → on: ${mean(results.off.map(r => r.cpu[part])).toFixed(1)} → ${mean(results.on.map(r => r.cpu[part])).toFixed(1)} µs`)
  }
}
