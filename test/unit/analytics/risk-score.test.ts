import t from 'tap'
import { decay, rankByRisk, type RiskItem } from '../../../src/analytics/risk/risk-score.ts'

const H = 3_600_000
const D = 24 * H
const now = Date.parse('2026-11-26T12:00:00Z')

t.test('points halve every half-life', async t => {
  t.equal(decay(40, 0, 7 * D), 40)
  t.equal(decay(40, 7 * D, 7 * D), 20)
  t.equal(decay(40, 14 * D, 7 * D), 10)
  t.equal(decay(40, -D, 7 * D), 40, 'the future does not count more')
})

t.test('a taken-over account and a traveller rank above routine changes', async t => {
  const items: RiskItem[] = [
    { key: 'taken', kind: 'signal', name: 'change-then-withdraw', time: now - H, eventIds: ['pw', 'wd'] },
    { key: 'taken', kind: 'event', name: 'password_changed', score: 70, level: 'high', time: now - H - 9 * 60_000, eventIds: ['pw'] },
    { key: 'taken', kind: 'event', name: 'withdrawal', score: 80, level: 'high', time: now - H, eventIds: ['wd'] },
    { key: 'traveller', kind: 'signal', name: 'impossible-travel', time: now - 2 * H, eventIds: ['l1', 'l2'] },
    ...[1, 2, 3].map(k => ({ key: 'routine', kind: 'event' as const, name: 'email_changed', score: 70, level: 'high', time: now - k * H, eventIds: [`e${k}`] }))
  ]
  const ranked = rankByRisk(items, now, 7 * D)
  t.same(ranked.map(u => u.key), ['taken', 'traveller', 'routine'])
  const routine = ranked[2]!
  t.same(routine.contributions.map(c => c.weight), [7, 3.5, 1.75], 'repeats of one action count half the one before')
  t.ok(routine.score < 12.3)
  t.equal(ranked[0]!.contributions[0]!.name, 'change-then-withdraw', 'largest contribution first')
})

t.test('an alert about the same events as a finding counts once, the larger', async t => {
  const ranked = rankByRisk([
    { key: 'u', kind: 'signal', name: 'change-then-withdraw', time: now, eventIds: ['a', 'b'] },
    { key: 'u', kind: 'alert', name: 'Takeover rule', level: 'critical', time: now, eventIds: ['b'], alertId: 'al-1' },
    { key: 'u', kind: 'alert', name: 'Other rule', level: 'low', time: now, eventIds: ['z'], alertId: 'al-2' }
  ], now, 7 * D)
  t.equal(ranked[0]!.score, 55)
  t.match(ranked[0]!.contributions, [{ kind: 'alert', name: 'Takeover rule', points: 50, sameAs: 'signal change-then-withdraw' }, { name: 'Other rule', points: 5 }])
})

t.test('older findings weigh less', async t => {
  const ranked = rankByRisk([
    { key: 'old', kind: 'signal', name: 'change-then-withdraw', time: now - 21 * D, eventIds: ['a'] },
    { key: 'new', kind: 'signal', name: 'failed-logins', time: now, eventIds: ['b'] }
  ], now, 7 * D)
  t.same(ranked.map(u => [u.key, u.score]), [['new', 20], ['old', 5]])
})

t.test('the same signal found per user and per address over the same events counts once', async t => {
  const ranked = rankByRisk([
    { key: '198.51.100.7', kind: 'signal', name: 'failed-logins', time: now, eventIds: ['f1', 'f2', 'f3'] },
    { key: '198.51.100.7', kind: 'signal', name: 'failed-logins', time: now, eventIds: ['f2', 'f3'] },
    { key: '198.51.100.7', kind: 'signal', name: 'shared-ip', time: now, eventIds: ['f1', 's1'] }
  ], now, 7 * D)
  t.equal(ranked[0]!.score, 35, 'one burst (20) and the shared address (15): different signals both count')
  t.match(ranked[0]!.contributions, [{ name: 'failed-logins', sameAs: 'signal failed-logins' }, { name: 'shared-ip', points: 15 }])
  t.equal(ranked[0]!.contributions.length, 2)
})

t.test('two findings of one signal on different events both count', async t => {
  const ranked = rankByRisk([
    { key: 'dev-1', kind: 'signal', name: 'failed-logins', time: now, eventIds: ['a1'] },
    { key: 'dev-1', kind: 'signal', name: 'failed-logins', time: now, eventIds: ['b1'] }
  ], now, 7 * D)
  t.equal(ranked[0]!.score, 40)
})
