import t from 'tap'
import { decide, MAX_COVERED_VALUES, nextState, transitionProblem } from '../../../src/alerts/dedup.ts'
import type { KeyState } from '../../../src/store/system/alert-keys-store.ts'
import { dedupKeyOf } from '../../../src/alerts/alert-service.ts'
import { systemAlertsTo } from '../../../src/alerts/system-alerts.ts'

const state = (s: Partial<KeyState>): KeyState => ({ open_alert_id: null, last_raised_at: null, covered_to: null, mark: null, ...s })
const H = 3_600_000

t.test('one alert per key while it is open', async t => {
  t.same(decide(undefined, undefined, 0, 0), { kind: 'raise' })
  t.same(decide(state({ open_alert_id: 'a', last_raised_at: 0 }), 'open', 10, 0), { kind: 'merge', alertId: 'a' })
  t.same(decide(state({ open_alert_id: 'a', last_raised_at: 0 }), 'acknowledged', 10, 0), { kind: 'merge', alertId: 'a' })
  t.same(decide(state({ open_alert_id: 'a', last_raised_at: 0 }), 'closed', 10, 0), { kind: 'raise' }, 'closed: a new alert')
  t.same(decide(state({ open_alert_id: 'a', last_raised_at: 0 }), undefined, 10, 0), { kind: 'raise' }, 'the alert it points to is gone')
})

t.test('the cool-down runs from the last alert raised', async t => {
  const closed = state({ last_raised_at: 0 })
  t.same(decide(closed, undefined, H - 1, H), { kind: 'cool-down', until: H })
  t.same(decide(closed, undefined, H, H), { kind: 'raise' })
  t.same(decide(closed, undefined, 1, 0), { kind: 'raise' }, 'no cool-down')
})

t.test('what a key covers only moves forward', async t => {
  const s = nextState(state({ covered_to: 50 }), { kind: 'raise' }, 'b', 100, { coveredTo: 40 })
  t.same(s, { open_alert_id: 'b', last_raised_at: 100, covered_to: 50, mark: null })
  t.same(nextState(s, { kind: 'merge', alertId: 'b' }, 'b', 200, { coveredTo: 70, mark: 4 }), { open_alert_id: 'b', last_raised_at: 100, covered_to: 70, mark: 4 })
  t.same(nextState(undefined, { kind: 'cool-down', until: 9 }, 'x', 5, {}), { open_alert_id: null, last_raised_at: null, covered_to: null, mark: null })
})

t.test('a key keeps each reported value with its latest time, the most recent ones only', async t => {
  const s = nextState(undefined, { kind: 'raise' }, 'a', 1, { coveredTo: 20, values: { NG: 20 } })
  t.same(s.covered_values, { NG: 20 })
  const m = nextState(s, { kind: 'merge', alertId: 'a' }, 'a', 2, { coveredTo: 15, values: { US: 15, NG: 10 } })
  t.same(m.covered_values, { NG: 20, US: 15 }, 'an older time of a value does not move it back')
  t.same(nextState(m, { kind: 'merge', alertId: 'a' }, 'a', 3, { coveredTo: 30 }).covered_values, { NG: 20, US: 15 }, 'kept by findings without values')
  const many = Object.fromEntries(Array.from({ length: MAX_COVERED_VALUES + 10 }, (_, i) => [`v${i}`, 100 + i]))
  const kept = nextState(m, { kind: 'merge', alertId: 'a' }, 'a', 4, { values: many }).covered_values ?? {}
  t.equal(Object.keys(kept).length, MAX_COVERED_VALUES)
  t.notOk('NG' in kept || 'US' in kept || 'v9' in kept, 'the oldest go first')
  t.ok('v10' in kept)
  t.equal(kept[`v${MAX_COVERED_VALUES + 9}`], 100 + MAX_COVERED_VALUES + 9)
})

t.test('status changes', async t => {
  t.equal(transitionProblem('open', 'acknowledged'), undefined)
  t.equal(transitionProblem('open', 'closed'), undefined)
  t.equal(transitionProblem('acknowledged', 'closed'), undefined)
  t.match(transitionProblem('closed', 'acknowledged'), /closed/)
  t.match(transitionProblem('acknowledged', 'acknowledged'), /already/)
  t.match(transitionProblem('acknowledged', 'open'), /cannot go back/)
})

t.test('deduplication keys and system alerts', async t => {
  t.equal(dedupKeyOf({ ruleId: 'r1', group: 'u-1' }), 'r1|u-1')
  t.equal(dedupKeyOf({ ruleId: 'r1', group: null }), 'r1|')
  t.equal(dedupKeyOf({ system: 'dead_letters', group: null }), 'system:dead_letters|')
  const raised: unknown[] = []
  await systemAlertsTo({ raise: async i => { raised.push(i); return { outcome: 'cooling-down', until: 0 } } })({
    key: 'dead_letters', kind: 'dead_letters', severity: 'high', summary: '3 dead letters', details: { count: 3 }, at: '2026-01-01T00:00:00.000Z'
  })
  t.match(raised, [{ tenant: null, system: 'dead_letters', kind: 'system', dedupKey: 'system:dead_letters', severity: 'high', figure: { count: 3 }, lastEventAt: Date.parse('2026-01-01T00:00:00.000Z') }])
})
