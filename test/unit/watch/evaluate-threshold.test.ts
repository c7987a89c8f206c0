import t from 'tap'
import { evaluateThreshold } from '../../../src/watch/evaluate-threshold.ts'
import type { EventsScanner, ScannedEvent } from '../../../src/store/events/events-scan.ts'
import type { NewKeysOptions, WatchReads } from '../../../src/store/events/watch-reads.ts'

const T = Date.parse('2026-12-01T12:00:00.000Z')
const span = { since: T - 60_000, until: T + 60_000 }
const condition = { kind: 'threshold' as const, window: '1h', groupBy: 'user.id', bound: { op: 'gt' as const, value: 2 } }
const events = (user: string, n: number): ScannedEvent[] => Array.from({ length: n }, (_v, i) => ({ id: `${user}-${i}`, keys: [user], time: T + i, fields: { 'event.ingested': new Date(T).toISOString() } }))

function io (users: string[], scanned: ScannedEvent[], truncated: boolean, asked: NewKeysOptions[] = []): { reads: WatchReads, scanner: EventsScanner } {
  return {
    reads: { newKeys: async (o: NewKeysOptions) => { asked.push(o); return { keys: users.map(u => ({ values: [u], at: [u], count: 3, minTime: T, maxTime: T + 2, sample: [] })), truncated: false } } } as unknown as WatchReads,
    scanner: { scan: async (_o: unknown, onPage: (e: ScannedEvent[]) => void) => { onPage(scanned); return { scanned: scanned.length, limit: scanned.length, truncated } } } as unknown as EventsScanner
  }
}

t.test('a window scan stopped by its bound stops the run after the last group it read whole', async t => {
  const asked: NewKeysOptions[] = []
  const e = await evaluateThreshold(io(['u-1', 'u-2', 'u-3', 'u-4'], [...events('u-1', 3), ...events('u-2', 3), ...events('u-3', 1)], true, asked), 'r', 'brand-a', condition, { match_all: {} }, { ...span, after: ['u-0'] }, async () => new Map())
  t.same(asked[0]?.after, ['u-0'], 'the groups listed after the earlier stop')
  t.same(e.stoppedAt, ['u-2'], 'u-3 was read in part')
  t.same(e.findings.map(f => [f.group, f.at]), [['u-1', ['u-1']], ['u-2', ['u-2']]], 'findings carry their place in key order')
  t.equal(e.truncated, true)
})

t.test('a group larger than the scan bound is passed over, so the next run moves on', async t => {
  const e = await evaluateThreshold(io(['u-1', 'u-2'], events('u-1', 5), true), 'r', 'brand-a', condition, { match_all: {} }, span, async () => new Map())
  t.same(e.stoppedAt, ['u-1'])
})

t.test('a scan read to its end does not stop the run', async t => {
  const e = await evaluateThreshold(io(['u-1', 'u-2'], [...events('u-1', 3), ...events('u-2', 1)], false), 'r', 'brand-a', condition, { match_all: {} }, span, async () => new Map())
  t.equal(e.stoppedAt, undefined)
  t.equal(e.truncated, false)
})

t.test('an amount rule going on after a group and currency does not read that group\'s currencies up to it again', async t => {
  const queries: unknown[] = []
  const io = {
    reads: { newKeys: async () => ({ keys: [{ values: ['u-1', 'USD'], at: ['u-1', 'USD'], count: 1, minTime: T, maxTime: T, sample: [] }], truncated: false }) } as unknown as WatchReads,
    scanner: { scan: async (o: { query: unknown }) => { queries.push(o.query); return { scanned: 0, limit: 1, truncated: false } } } as unknown as EventsScanner
  }
  const amount = { ...condition, metric: 'amount' as const }
  await evaluateThreshold(io, 'r', 'brand-a', amount, { match_all: {} }, { ...span, after: ['u-1', 'EUR'] }, async () => new Map())
  t.match(JSON.stringify(queries[0]), /"must_not":\{"bool":\{"filter":\[\{"term":\{"user.id":"u-1"\}\},\{"range":\{"audit.money.currency":\{"lte":"EUR"\}\}\}\]/, 'u-1 in EUR and before is left out')
  await evaluateThreshold(io, 'r', 'brand-a', condition, { match_all: {} }, { ...span, after: ['u-0'] }, async () => new Map())
  t.notMatch(JSON.stringify(queries[1]), /must_not/, 'one field: the terms of the listed groups are enough')
})
