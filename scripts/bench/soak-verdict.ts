/**
 * The soak's figures and its verdict (pure): one row per minute, then checks that compare the late minutes
 * with the first ones after warm-up (the baseline of the same run) and fit a line through the second half.
 */

import type { Tally } from './soak-load.ts'

/** What one minute of the soak saw: the load's tally of that minute, and the processes' figures. */
export interface MinuteRow extends Tally {
  minute: number
  /** BullMQ waiting + active jobs, sampled. */
  queue: number[]
  rssApiMb: number
  rssWorkerMb: number
  /** V8 heap in use, the lowest sample of the minute (closest to what survives a collection). */
  heapApiMb: number
  heapWorkerMb: number
  /** V8 heap committed (live objects and garbage not yet collected: what the heap costs in RSS), mean of the minute. */
  committedApiMb: number
  committedWorkerMb: number
  /** Memory outside the heap held by JavaScript objects (Buffers, ArrayBuffers), mean of the minute. */
  externalApiMb: number
  externalWorkerMb: number
  /** CPU over the minute, % of one core. */
  cpuApi: number
  cpuWorker: number
  cpuEs: number
  /** Pending dead letters so far. */
  deadLetters: number
  load1: number
}

export interface Check { name: string, value: string, baseline: string, limit: string, pass: boolean | undefined }

export function quantile (xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number
}

export const mean = (xs: readonly number[]): number => xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length

/** Least-squares slope of y over x; NaN under 3 points (two points fit any line). */
export function slope (points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 3) return Number.NaN
  const mx = mean(points.map(p => p[0]))
  const my = mean(points.map(p => p[1]))
  let num = 0
  let den = 0
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2 }
  return den === 0 ? Number.NaN : num / den
}

/**
 * Which minutes each check looks at: a warm-up of 2 minutes on runs of 10 or more (JIT, caches, the first
 * partitions), a baseline window of up to 5 minutes right after it, the same number of minutes at the end,
 * and the second half of the run for the slopes.
 */
export function windows (minutes: number): { warmup: number, early: [number, number], late: [number, number], half: [number, number] } {
  const warmup = minutes >= 10 ? 2 : 0
  const k = Math.min(5, Math.max(1, Math.floor((minutes - warmup) / 2)))
  return { warmup, early: [warmup + 1, warmup + k], late: [minutes - k + 1, minutes], half: [Math.max(warmup + 1, Math.floor(minutes / 2) + 1), minutes] }
}

const pick = (rows: readonly MinuteRow[], [from, to]: [number, number]): MinuteRow[] => rows.filter(r => r.minute >= from && r.minute <= to)
const f1 = (n: number): string => Number.isNaN(n) ? 'n/a' : n.toFixed(1)
const range = ([from, to]: [number, number]): string => from === to ? `min ${from}` : `min ${from}–${to}`

/** Thresholds: generous enough for a shared machine's noise, tight enough to catch a leak or a backlog. */
export const LIMITS = {
  /** 1 MB/min is a leak of about 58 bytes per event at 300 events/s. */
  rssMbPerMin: 1,
  /** The product's memory budget under sustained ingest (docs/operations.md, "Memory"): any minute's mean RSS. */
  rssBudgetMb: { api: 400, worker: 300 },
  queueJobsPerMin: 1,
  /** A queue holding up to this many seconds of traffic is in its steady state (jobs in flight, bulks forming). */
  queueFloorSeconds: 10,
  p99Ratio: 2,
  lagSlackMs: 1000,
  keptUp: 0.99
}

/** `jobsPerSecond`: the requests (one queue job each) the load sends per second. */
export function judge (rows: readonly MinuteRow[], jobsPerSecond: number): Check[] {
  const w = windows(rows.length)
  const early = pick(rows, w.early)
  const late = pick(rows, w.late)
  const half = pick(rows, w.half)
  const pooled = (rs: MinuteRow[], k: 'ingestMs' | 'searchMs' | 'lagMs' | 'queue'): number[] => rs.flatMap(r => r[k])
  const checks: Check[] = []
  const memory = [['RSS of the API', 'rssApiMb'], ['RSS of the worker', 'rssWorkerMb'], ['V8 heap of the API', 'heapApiMb'], ['V8 heap of the worker', 'heapWorkerMb']] as const
  for (const [name, key] of memory) {
    const s = slope(half.map(r => [r.minute, r[key]]))
    checks.push({ name: `${name}, slope over ${range(w.half)}`, value: `${f1(s)} MB/min`, baseline: `${f1(mean(early.map(r => r[key])))} MB in ${range(w.early)}`, limit: `≤ ${LIMITS.rssMbPerMin} MB/min`, pass: Number.isNaN(s) ? undefined : s <= LIMITS.rssMbPerMin })
  }
  for (const [name, key, budget] of [['API', 'rssApiMb', LIMITS.rssBudgetMb.api], ['worker', 'rssWorkerMb', LIMITS.rssBudgetMb.worker]] as const) {
    const after = rows.filter(r => r.minute > w.warmup)
    const top = Math.max(...after.map(r => r[key]))
    const at = after.find(r => r[key] === top)?.minute
    checks.push({ name: `RSS of the ${name}, highest minute after warm-up`, value: `${f1(top)} MB${at === undefined ? '' : ` (min ${at})`}`, baseline: '', limit: `< ${budget} MB`, pass: after.length === 0 || Number.isNaN(top) ? undefined : top < budget })
  }
  const qs = slope(half.map(r => [r.minute, mean(r.queue)]))
  checks.push({ name: `queue depth, slope over ${range(w.half)}`, value: `${f1(qs)} jobs/min`, baseline: '', limit: `≤ ${LIMITS.queueJobsPerMin} job/min`, pass: Number.isNaN(qs) ? undefined : qs <= LIMITS.queueJobsPerMin })
  const qEarly = mean(pooled(early, 'queue'))
  const qLate = mean(pooled(late, 'queue'))
  const qLimit = Math.max(LIMITS.p99Ratio * qEarly, LIMITS.queueFloorSeconds * jobsPerSecond)
  checks.push({ name: `queue depth, mean in ${range(w.late)}`, value: `${f1(qLate)} jobs`, baseline: `${f1(qEarly)} jobs in ${range(w.early)}`, limit: `≤ ${f1(qLimit)} jobs`, pass: qLate <= qLimit })
  for (const [name, key] of [['ingest latency p99', 'ingestMs'], ['search latency p99', 'searchMs']] as const) {
    const before = quantile(pooled(early, key), 0.99)
    const after = quantile(pooled(late, key), 0.99)
    checks.push({ name: `${name} in ${range(w.late)}`, value: `${f1(after)} ms`, baseline: `${f1(before)} ms in ${range(w.early)}`, limit: `≤ ${LIMITS.p99Ratio} × baseline`, pass: after <= LIMITS.p99Ratio * before })
  }
  const lagBefore = quantile(pooled(early, 'lagMs'), 0.5)
  const lagAfter = quantile(pooled(late, 'lagMs'), 0.5)
  const lagLimit = Math.max(LIMITS.p99Ratio * lagBefore, lagBefore + LIMITS.lagSlackMs)
  checks.push({ name: `indexing lag p50 in ${range(w.late)}`, value: `${f1(lagAfter / 1000)} s`, baseline: `${f1(lagBefore / 1000)} s in ${range(w.early)}`, limit: `≤ ${f1(lagLimit / 1000)} s`, pass: lagAfter <= lagLimit })
  const offered = late.reduce((n, r) => n + r.offered, 0)
  const accepted = late.reduce((n, r) => n + r.accepted, 0)
  checks.push({ name: `accepted / offered in ${range(w.late)}`, value: (accepted / offered).toFixed(3), baseline: '', limit: `≥ ${LIMITS.keptUp}`, pass: accepted / offered >= LIMITS.keptUp })
  const dead = rows.at(-1)?.deadLetters ?? 0
  checks.push({ name: 'dead letters (realistic events only)', value: String(dead), baseline: '', limit: '0', pass: dead === 0 })
  return checks
}

const n0 = (n: number): string => Math.round(n).toLocaleString('en-US')
const pair = (a: number, b: number, digits = 0): string => `${Number.isNaN(a) ? 'n/a' : a.toFixed(digits)} / ${Number.isNaN(b) ? 'n/a' : b.toFixed(digits)}`

export const TABLE_HEAD = [
  '| min | accepted | refused / skipped | ingest p50 / p99 ms | search p50 / p99 ms (errors) | queue mean / max | lag p50 / max s | RSS API / worker MB | heap in use API / worker MB | heap committed API / worker MB | external API / worker MB | CPU API / worker / ES % | dead letters | load |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
]

/** One line of the per-minute table (Markdown, so it can be pasted as it is). */
export function tableLine (r: MinuteRow, warmup: boolean): string {
  return `| ${r.minute}${warmup ? ' (warm-up)' : ''} | ${n0(r.accepted)} | ${r.refused} / ${r.skipped} | ${pair(quantile(r.ingestMs, 0.5), quantile(r.ingestMs, 0.99), 1)} | ` +
    `${pair(quantile(r.searchMs, 0.5), quantile(r.searchMs, 0.99), 1)} (${r.searchErrors}) | ${pair(mean(r.queue), Math.max(0, ...r.queue), 1)} | ` +
    `${pair(quantile(r.lagMs, 0.5) / 1000, Math.max(0, ...r.lagMs) / 1000, 1)} | ${pair(r.rssApiMb, r.rssWorkerMb)} | ${pair(r.heapApiMb, r.heapWorkerMb)} | ` +
    `${pair(r.committedApiMb, r.committedWorkerMb)} | ${pair(r.externalApiMb, r.externalWorkerMb)} | ` +
    `${r.cpuApi.toFixed(0)} / ${r.cpuWorker.toFixed(0)} / ${r.cpuEs.toFixed(0)} | ${r.deadLetters} | ${r.load1.toFixed(1)} |`
}

export function checkLines (checks: readonly Check[]): string[] {
  return ['| check | measured | baseline (same run) | limit | result |', '|---|---|---|---|---|',
    ...checks.map(c => `| ${c.name} | ${c.value} | ${c.baseline} | ${c.limit} | ${c.pass === undefined ? 'not judged (too few minutes)' : c.pass ? 'pass' : '**FAIL**'} |`)]
}
