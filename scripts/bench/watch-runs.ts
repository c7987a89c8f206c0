/**
 * Rule run time on the watch benchmark's data set (events recorded as a live service records them, over 90 days):
 * one run of a rule of each kind, as the worker runs it (evaluation, alerts, run log), over the events of the last
 * 15 minutes (a 5-minute interval with the default 10-minute look-back) and of the last hour, with the part of it
 * spent reading (the rest is writing the run log and the alerts); then a scheduled pass of all 50 rules through
 * the rules queue and worker. The runner's clock stands at the data set's end, so every run sees the slice a live
 * run would have seen then. The baseline is counting the slice's events.
 */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Config } from '../../src/config/config.ts'
import type { Es } from '../../src/store/elasticsearch.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { watchRulesStore } from '../../src/store/system/watch-rules-store.ts'
import { RuleRunsStore } from '../../src/store/system/rule-runs-store.ts'
import { EventsScanner } from '../../src/store/events/events-scan.ts'
import { WatchReads } from '../../src/store/events/watch-reads.ts'
import { createRulesQueue, RuleLocks, RuleSchedule } from '../../src/queue/rules-queue.ts'
import { SignalsService } from '../../src/analytics/signals/signals-service.ts'
import { composeAlerting } from '../../src/compose/alerting.ts'
import { startRulesWorker } from '../../src/indexer/rules-worker.ts'
import { RuleRunner } from '../../src/watch/rule-runner.ts'
import { checkRule } from '../../src/watch/rule-check.ts'
import type { RuleRun } from '../../src/watch/run-schema.ts'
import type { StoredWatchRule } from '../../src/watch/rule-schema.ts'
import { rulesWith } from './watch-rules.ts'

const TENANT = 'default'
const MIN = 60_000
const LOOK_BACK = 10 * MIN
const SLICES: Array<[string, number]> = [['15 min', 15 * MIN], ['1 h', 60 * MIN]]
/** One rule of each kind and grouping (by name in watch-rules.ts). */
const TIMED = [
  'More than 3 withdrawals in 1 h', 'Over 5,000 withdrawn in 24 h', 'More than 10 accounts signing in from one address in 1 h',
  'More than 5 accounts on one device in 24 h', 'Failed sign-in burst per user', 'Impossible travel', 'Device shared by 3 accounts',
  'Change then withdraw, 24 h', 'Sign-in from a new country', 'Withdrawal on a new device'
]

/** Time spent in writes to the system indices (run log, alerts, their keys), from the client's own request events. */
function systemWrites (es: Es, prefix: string): () => number {
  const started = new Map<unknown, number>()
  let total = 0
  es.diagnostic.on('request', (_err, r) => {
    const p = r?.meta.request.params
    if (p !== undefined && p.method !== 'GET' && p.path.startsWith(`/${prefix}-system-`) && !/_(search|mget)$/.test(p.path)) started.set(r?.meta.request.id, performance.now())
  })
  es.diagnostic.on('response', (_err, r) => {
    const t = started.get(r?.meta.request.id)
    if (t !== undefined) { total += performance.now() - t; started.delete(r?.meta.request.id) }
  })
  return () => total
}

export const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return ((s[(s.length - 1) >> 1] as number) + (s[s.length >> 1] as number)) / 2 }
const f0 = (n: number): string => Math.round(n).toLocaleString('en-US')

export async function ruleRunTimes (es: Es, redis: Redis, config: Config, dataPrefix: string, runs: number): Promise<void> {
  const alias = eventsAlias(dataPrefix)
  const end = await es.search({ index: alias, size: 0, aggs: { end: { max: { field: 'event.ingested' } } } })
  const dataEnd = (end.aggregations?.end as { value: number }).value + 1000
  // Each run starts at the data set's end (or a pass does): `until` is then, `since` is set by the rule's creation time.
  let offset = 0
  const clock = { now: () => Date.now() - offset }
  const atDataEnd = (): void => { offset = Date.now() - dataEnd }
  const alerting = await composeAlerting(config, es, redis)
  const rules = watchRulesStore<StoredWatchRule>(es, config.indexPrefix)
  const runLog = new RuleRunsStore<RuleRun>(es, config.indexPrefix)
  const scanner = new EventsScanner(es, dataPrefix)
  const runner = new RuleRunner({
    rules, runs: runLog, locks: new RuleLocks(redis, config.queuePrefix), alerts: alerting.alerts, savedSearch: async () => undefined,
    reads: new WatchReads(es, dataPrefix), scanner, signals: new SignalsService(scanner), schedule: { upsert: async () => {}, remove: async () => {} }, clock
  })
  const all = rulesWith('5m', '10m').map(r => checkRule(r, TENANT))
  // A new rule per run: no alert of an earlier run covers its groups, so each run does the same work.
  const store = async (rule: typeof all[number], slice: number): Promise<string> => {
    const created = new Date(dataEnd - slice + LOOK_BACK).toISOString()
    return (await rules.create(randomUUID(), { ...rule, tenant: TENANT, created_by: 'bench', created_at: created, updated_at: created })).id
  }
  const queue = createRulesQueue(redis, config.queuePrefix)
  const writes = systemWrites(es, config.indexPrefix)
  try {
    console.log(`\nRule run time on ${f0(await es.count({ index: alias }).then(r => r.count))} events, one run as the worker runs it (evaluation, alerts, run log), median of ${runs} after a warm-up`)
    const baseline: string[] = []
    for (const [label, slice] of SLICES) {
      const times: number[] = []
      let n = 0
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        n = (await es.count({ index: alias, query: { range: { 'event.ingested': { gt: dataEnd - slice, lte: dataEnd, format: 'epoch_millis' } } } })).count
        times.push(performance.now() - t0)
      }
      baseline.push(`${label}: ${f0(n)} new events, counted in ${median(times).toFixed(1)} ms`)
    }
    console.log(`baseline, counting the slice's events: ${baseline.join('; ')}`)
    console.log(`| Rule | kind | ${SLICES.map(([l]) => `last ${l}: run ms | of which reading | events read / groups / alerts`).join(' | ')} |`)
    console.log(`|---|---|${SLICES.map(() => '--:|--:|--:').join('|')}|`)
    for (const name of TIMED) {
      const rule = all.find(r => r.name === name)
      if (rule === undefined) throw new Error(`no rule named ${name}`)
      const cells: string[] = []
      for (const [, slice] of SLICES) {
        const times: number[] = []
        const reading: number[] = []
        let last: RuleRun | undefined
        for (let i = 0; i <= runs; i++) {
          const id = await store(rule, slice)
          atDataEnd()
          const [t0, w0] = [performance.now(), writes()]
          last = await runner.run({ ruleId: id, tenant: TENANT, jobId: `bench-${i}`, attempt: 1, willRetry: false })
          if (last.status !== 'succeeded') throw new Error(`${name}: ${last.status} ${String(last.reason)}`)
          const ms = performance.now() - t0
          if (i > 0) { times.push(ms); reading.push(ms - (writes() - w0)) }
        }
        const r = last as RuleRun
        cells.push(`${f0(median(times))} | ${f0(median(reading))} | ${f0(r.scanned)} / ${f0(r.groups)} / ${f0(r.raised)}${r.truncated ? ' (truncated)' : ''}`)
      }
      console.log(`| ${name} | ${rule.condition.kind} | ${cells.join(' | ')} |`)
    }
    const { worker, close: closeWorker } = startRulesWorker(redis, runner, async () => ({}), { prefix: config.queuePrefix, concurrency: config.watch.concurrency })
    try {
      for (const [label, slice] of SLICES) {
        const ids = await Promise.all(all.map(async r => await store(r, slice)))
        const done: RuleRun[] = []
        const finished = new Promise<void>((resolve, reject) => {
          worker.on('completed', (_job, run) => { done.push(run as RuleRun); if (done.length === ids.length) resolve() })
          worker.on('failed', (job, err) => { reject(new Error(`run of ${String(job?.data.ruleId)} failed: ${err.message}`)) })
        })
        atDataEnd()
        const [t0, w0] = [performance.now(), writes()]
        const schedule = new RuleSchedule(queue)
        for (const id of ids) await schedule.runNow({ id, tenant: TENANT })
        await finished
        const wall = performance.now() - t0
        const written = writes() - w0
        worker.removeAllListeners('completed')
        worker.removeAllListeners('failed')
        const durations = done.map(r => r.duration_ms)
        const slowest = done.reduce((a, r) => r.duration_ms > a.duration_ms ? r : a)
        console.log(`scheduled pass of all ${ids.length} rules, last ${label}, through the rules queue (concurrency ${config.watch.concurrency}): ${f0(wall)} ms; ` +
          `runs: sum ${f0(durations.reduce((a, b) => a + b, 0))} ms (writes ${f0(written)} ms), median ${f0(median(durations))} ms, slowest ${f0(slowest.duration_ms)} ms (${all[ids.indexOf(slowest.rule_id)]?.name ?? '?'}); ` +
          `${f0(done.reduce((a, r) => a + r.scanned, 0))} events read, ${f0(done.reduce((a, r) => a + r.raised, 0))} alerts raised, ${done.filter(r => r.truncated).length} truncated`)
      }
    } finally {
      await closeWorker()
    }
  } finally {
    await queue.close()
    await alerting.close()
  }
}
