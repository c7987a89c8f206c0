import t from 'tap'
import { evaluateSignal } from '../../../src/watch/evaluate-signal.ts'
import type { WatchReads } from '../../../src/store/events/watch-reads.ts'
import type { SignalsService } from '../../../src/analytics/signals/signals-service.ts'

const T = Date.parse('2026-12-01T12:00:00.000Z')
const finding = (user: string) => ({ key: user, users: [user], figure: {}, evidence: [{ id: `${user}-w`, '@timestamp': new Date(T).toISOString(), action: 'withdrawal' }] })

t.test('a signal rule says truncated when the detector found more than it kept', async t => {
  const run = async (found: number) => await evaluateSignal({
    reads: { newKeys: async () => ({ keys: [{ values: ['u-1'], minTime: T, maxTime: T }], truncated: false }) } as unknown as WatchReads,
    signals: { findChangeThenWithdraw: async () => ({ signals: [finding('u-1')], found, bounds: { scanned: 10, limit: 500_000, truncated: false } }) } as unknown as SignalsService
  }, 'r', { kind: 'signal', signal: 'change-then-withdraw' } as never, { match_all: {} }, { since: T - 60_000, until: T + 60_000 }, async () => new Map())
  t.match(await run(1), { findings: [{ group: 'u-1' }], truncated: false })
  t.match(await run(1200), { findings: [{ group: 'u-1' }], truncated: true }, 'the findings beyond the kept ones were not examined')
})
