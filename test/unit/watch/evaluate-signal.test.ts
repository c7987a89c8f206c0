import t from 'tap'
import { evaluateSignal } from '../../../src/watch/evaluate-signal.ts'
import type { NewKey, WatchReads } from '../../../src/store/events/watch-reads.ts'
import type { SignalsService } from '../../../src/analytics/signals/signals-service.ts'
import type { Collector, Signal } from '../../../src/analytics/signals/common.ts'
import type { Bounds } from '../../../src/store/events/events-scan.ts'

const T = Date.parse('2026-12-01T12:00:00.000Z')
const M = 60_000
type AnySignal = Signal<Record<string, unknown>>
const signal = (user: string, at: number, id = `${user}-w`) => ({ key: user, users: [user], figure: {}, evidence: [{ id, '@timestamp': new Date(at).toISOString(), action: 'withdrawal' }] })
const keyOf = (i: number): NewKey => {
  const user = `u-${String(i).padStart(5, '0')}`
  return { values: [user], at: [user], count: 1, minTime: T, maxTime: T, sample: [] }
}
/** The users a detector was asked about: the terms filter the rule puts on its keys. */
const usersOf = (q: unknown): string[] => (q as { bool: { filter: Array<{ terms?: Record<string, string[]> }> } }).bool.filter.find(f => f.terms?.['user.id'] !== undefined)?.terms?.['user.id'] ?? []

interface Detector { (users: string[], top: Collector<AnySignal>, scanLimit: number): Partial<Bounds> | undefined }

async function run (keys: NewKey[], detect: Detector, covered = new Map<string, number>()) {
  const calls: string[][] = []
  const signals = {
    findChangeThenWithdraw: async (q: unknown, req: { scanLimit: number }, _w: number, _s: unknown, top: Collector<AnySignal>) => {
      const users = usersOf(q)
      calls.push(users)
      const bounds = { scanned: users.length, limit: req.scanLimit, truncated: false, ...detect(users, top, req.scanLimit) }
      return { signals: top.list(), found: top.found, bounds }
    }
  } as unknown as SignalsService
  const reads = { newKeys: async () => ({ keys, truncated: false }) } as unknown as WatchReads
  const statesOf = async (groups: ReadonlyArray<string | null>) => new Map(groups.flatMap(g => covered.has(g as string) ? [[g, { covered_to: covered.get(g as string) }]] : [])) as never
  const evaluation = await evaluateSignal({ reads, signals }, 'r', { kind: 'signal', signal: 'change-then-withdraw' } as never, { match_all: {} }, { since: T - M, until: T + M }, statesOf)
  return { evaluation, calls }
}

t.test('a signal rule with more keys than a detector keeps findings for examines them a thousand at a time and loses none', async t => {
  const keys = Array.from({ length: 2500 }, (_, i) => keyOf(i))
  const { evaluation, calls } = await run(keys, (users, top) => { for (const u of users) top.add(signal(u, T), 1); return undefined })
  t.same(calls.map(c => c.length), [1000, 1000, 500], 'three passes over the keys')
  t.equal(evaluation.findings.length, 2500, 'a finding for every key')
  t.same(evaluation.findings.map(f => f.group), keys.map(k => k.values[0]), 'in key order')
  t.same(evaluation.findings.at(-1)?.at, keys.at(-1)?.at, 'each with its key\'s position')
  t.match(evaluation, { truncated: false, groups: 2500, stoppedAt: undefined })
})

t.test('a key with several new findings gives one: the strongest, covering to the latest, with how many there were', async t => {
  const keys = [keyOf(1), keyOf(2)]
  const [a, b] = keys.map(k => k.values[0] as string) as [string, string]
  const { evaluation } = await run(keys, (_, top) => {
    top.add(signal(a, T - 30 * M, 'old'), 50) // ended before a's alert covered: not new, however strong
    top.add(signal(a, T + 10 * M, 'weak'), 1)
    top.add(signal(a, T + 5 * M, 'strong'), 9)
    top.add(signal(b, T - 2 * M, 'before-first-new'), 5) // ends before b's first new event
    return undefined
  }, new Map([[a, T - 10 * M]]))
  t.equal(evaluation.findings.length, 1)
  t.match(evaluation.findings[0], { group: a, evidence: ['strong'], lastTime: T + 5 * M, coveredTo: T + 10 * M, figure: { findings: 2 } })
})

t.test('a run stopped by the scan bound goes on after the last key read whole', async t => {
  const keys = Array.from({ length: 2500 }, (_, i) => keyOf(i))
  const stopAt = keys[1400]?.values[0]
  const { evaluation, calls } = await run(keys, (users, top) => {
    const upTo = users.indexOf(stopAt as string)
    for (const u of upTo < 0 ? users : users.slice(0, upTo + 1)) top.add(signal(u, T), 1)
    return upTo < 0 ? undefined : { truncated: true, lastKey: stopAt }
  })
  t.equal(calls.length, 2)
  t.equal(evaluation.findings.length, 1400, 'the partly read key\'s finding is left for the next run')
  t.match(evaluation, { truncated: true, groups: 1400 })
  t.same(evaluation.stoppedAt, keys[1399]?.at)
})

t.test('a first key with more events than the scan bound is passed over, so that the runs move on', async t => {
  const keys = [keyOf(1), keyOf(2)]
  const { evaluation } = await run(keys, (users, top) => { top.add(signal(users[0] as string, T), 1); return { truncated: true, lastKey: users[0] } })
  t.match(evaluation, { truncated: true, groups: 1, findings: [{ group: keys[0]?.values[0] }] })
  t.same(evaluation.stoppedAt, keys[0]?.at)
  const alone = await run([keyOf(1)], (users, top) => { top.add(signal(users[0] as string, T), 1); return { truncated: true, lastKey: users[0] } })
  t.match(alone.evaluation, { truncated: true, groups: 1, stoppedAt: undefined }, 'a key read in part says truncated, even with no key after it')
  const elsewhere = await run([keyOf(1), keyOf(2)], () => ({ truncated: true, lastKey: 'another' }))
  t.match(elsewhere.evaluation, { truncated: true, groups: 1 }, 'a last key among none of them: the first key alone is passed over')
})
