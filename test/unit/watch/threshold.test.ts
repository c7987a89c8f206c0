import t from 'tap'
import { ThresholdDetector, crosses, type ThresholdFinding, type WindowEvent } from '../../../src/watch/threshold.ts'

const M = 60_000
const ev = (id: string, minute: number, extra: Partial<WindowEvent> = {}): WindowEvent => ({ id, time: minute * M, fresh: true, ...extra })

function run (metric: 'count' | 'amount' | 'users', windowMs: number, bound: { op: 'gt' | 'gte', value: number }, groups: Record<string, WindowEvent[]>, covered: Record<string, number> = {}): ThresholdFinding[] {
  const out: ThresholdFinding[] = []
  const d = new ThresholdDetector(metric, windowMs, bound, f => out.push(f))
  for (const [g, events] of Object.entries(groups)) for (const e of events) d.push(g, e, covered[g])
  d.finish()
  return out
}

t.test('bounds', async t => {
  t.ok(crosses(4, { op: 'gt', value: 3 }))
  t.notOk(crosses(3, { op: 'gt', value: 3 }))
  t.ok(crosses(3, { op: 'gte', value: 3 }))
})

t.test('a velocity pattern fires; a near miss spread just wider than the window does not', async t => {
  const found = run('count', 60 * M, { op: 'gt', value: 3 }, {
    fast: [ev('a1', 0), ev('a2', 10), ev('a3', 20), ev('a4', 50)],
    slow: [ev('b1', 0), ev('b2', 20), ev('b3', 40), ev('b4', 61)]
  })
  t.equal(found.length, 1)
  t.match(found[0], { group: 'fast', value: 4, events: 4, from: 0, to: 50 * M, evidence: ['a1', 'a2', 'a3', 'a4'], coveredTo: 50 * M })
})

t.test('both ends of the window are included; the strongest window wins, the earliest among equals', async t => {
  const found = run('count', 60 * M, { op: 'gte', value: 3 }, { g: [ev('1', 0), ev('2', 30), ev('3', 60), ev('4', 200), ev('5', 210), ev('6', 220), ev('7', 230)] })
  t.equal(found.length, 1)
  t.match(found[0], { value: 4, from: 200 * M, to: 230 * M })
  const tie = run('count', 60 * M, { op: 'gte', value: 3 }, { g: [ev('1', 0), ev('2', 30), ev('3', 60), ev('4', 200), ev('5', 210), ev('6', 220)] })
  t.match(tie[0], { value: 3, from: 0, to: 60 * M })
})

t.test('only windows with a fresh event fire, and covered events are not counted again', async t => {
  const old = [ev('1', 0, { fresh: false }), ev('2', 1, { fresh: false }), ev('3', 2, { fresh: false }), ev('4', 3, { fresh: false })]
  t.same(run('count', 60 * M, { op: 'gt', value: 3 }, { g: old }), [], 'old events alone')
  t.equal(run('count', 60 * M, { op: 'gt', value: 3 }, { g: [...old, ev('5', 4)] }).length, 1, 'a fresh one joins them')
  t.same(run('count', 60 * M, { op: 'gt', value: 3 }, { g: [...old, ev('5', 4)] }, { g: 3 * M }), [], 'events up to what an alert covered are ignored')
  t.match(run('count', 60 * M, { op: 'gt', value: 3 }, { g: [...old, ev('5', 4), ev('6', 5), ev('7', 6), ev('8', 7)] }, { g: 3 * M })[0], { value: 4, evidence: ['5', '6', '7', '8'] })
})

t.test('amounts and distinct users', async t => {
  const money = run('amount', 60 * M, { op: 'gte', value: 5000 }, { 'u-1': [ev('1', 0, { amount: 2000 }), ev('2', 30, { amount: 2999.5 }), ev('3', 45, { amount: 0.5 })] })
  t.match(money[0], { value: 5000, events: 3 })
  t.same(run('amount', 60 * M, { op: 'gt', value: 5000 }, { 'u-1': [ev('1', 0, { amount: 4000 }), ev('2', 70, { amount: 4000 })] }), [], 'the first leaves the window')
  const users = run('users', 24 * 60 * M, { op: 'gt', value: 2 }, { dev: [ev('1', 0, { user: 'a' }), ev('2', 1, { user: 'a' }), ev('3', 2, { user: 'b' }), ev('4', 3, { user: 'b' }), ev('5', 4, { user: 'c' })] })
  t.match(users[0], { group: 'dev', value: 3, events: 5 })
  t.same(run('users', 60 * M, { op: 'gt', value: 2 }, { dev: [ev('1', 0, { user: 'a' }), ev('2', 1, { user: 'b' }), ev('3', 70, { user: 'c' })] }), [], 'a user leaves with its last event')
})

t.test('an alert covers the window that fired, not the later events the run read: a later burst still fires', async t => {
  const S = 1000
  const at = (id: string, seconds: number, fresh = true): WindowEvent => ({ id, time: 12 * 60 * M + seconds * S, fresh })
  // Run 1: four events within a minute fire; three more three minutes later stay under the bound.
  const first = run('count', M, { op: 'gt', value: 3 }, { g: [at('a', 0), at('b', 1), at('c', 2), at('d', 3), at('e', 180), at('f', 181), at('g', 182)] })
  t.equal(first.length, 1)
  t.match(first[0], { evidence: ['a', 'b', 'c', 'd'], coveredTo: 12 * 60 * M + 3 * S }, 'covered up to the end of its window')
  // Run 2: one more event joins the three, read again as they are within the look-back.
  const second = run('count', M, { op: 'gt', value: 3 }, { g: [at('e', 180, false), at('f', 181, false), at('g', 182, false), at('h', 210)] }, { g: first[0]?.coveredTo as number })
  t.match(second, [{ value: 4, evidence: ['e', 'f', 'g', 'h'] }])
})
