import t from 'tap'
import { draftOf, EMPTY_DRAFT, ruleInput } from '../../../console/src/features/alerts/rule-draft.ts'
import { watchQuery, watchStart } from '../../../console/src/features/alerts/state.ts'
import type { WatchRule } from '../../../console/src/features/alerts/types.ts'
import { readState } from '../../../console/src/app/discover-state.ts'

const stored = (condition: WatchRule['condition'], more: Partial<WatchRule> = {}): WatchRule =>
  ({ id: 'r1', version: 'v1', name: 'Big withdrawals', updated_at: '2026-12-04T10:00:00.000Z', condition, ...more })

t.test('a rule read from the API comes back from the form as the same input, for each kind', async t => {
  const threshold = { kind: 'threshold' as const, query: 'event.action:withdrawal', window: '1h', groupBy: 'user.id', metric: 'amount', bound: { op: 'gte', value: 5000 } }
  const signal = { kind: 'signal' as const, signal: 'failed-logins', params: { by: 'ip', threshold: 8, window: '15m' } }
  const newValue = { kind: 'new-value' as const, field: 'audit.device.id', days: 90, requireHistory: false, query: 'event.action:login' }
  for (const condition of [threshold, signal, newValue]) {
    const rule = stored(condition, { description: 'Why', enabled: false, severity: 'high', interval: '1m', lookBack: '5m', cooldown: '1h' })
    t.same(ruleInput(draftOf(rule)), { name: 'Big withdrawals', description: 'Why', enabled: false, severity: 'high', interval: '1m', lookBack: '5m', cooldown: '1h', condition }, condition.kind)
  }
})

t.test('only the chosen kind and the chosen signal\'s parameters are sent; empty fields are left to the API\'s defaults', async t => {
  const d = { ...EMPTY_DRAFT, name: '  Bursts ', kind: 'signal' as const, signal: 'impossible-travel' as const, by: 'ip', threshold: '9', signalWindow: '1h', maxSpeedKmh: '900', minDistanceKm: '' }
  t.same(ruleInput(d), { name: 'Bursts', enabled: true, severity: 'medium', interval: '5m', lookBack: '10m', condition: { kind: 'signal', signal: 'impossible-travel', params: { maxSpeedKmh: 900 } } })
  t.same(ruleInput({ ...d, signal: 'change-then-withdraw', signalWindow: '' }).condition, { kind: 'signal', signal: 'change-then-withdraw' }, 'no params at all')
  t.same(ruleInput({ ...EMPTY_DRAFT, name: 'n', kind: 'new-value', days: '' }).condition, { kind: 'new-value', field: 'source.geo.country_iso_code', requireHistory: true })
  t.same(ruleInput({ ...EMPTY_DRAFT, name: 'n', value: '12,5', groupBy: '' }).condition, { kind: 'threshold', window: '10m', metric: 'count', bound: { op: 'gt', value: 12.5 } }, 'a decimal comma; no group')
  t.equal(JSON.stringify(ruleInput({ ...EMPTY_DRAFT, name: 'n', value: 'lots' }).condition), '{"kind":"threshold","window":"10m","groupBy":"user.id","metric":"count","bound":{"op":"gt","value":null}}', 'not a number: sent for the API to refuse by its field')
  t.equal(JSON.stringify(ruleInput({ ...EMPTY_DRAFT, name: 'n', value: '1,500' }).condition), '{"kind":"threshold","window":"10m","groupBy":"user.id","metric":"count","bound":{"op":"gt","value":null}}', '"1,500" (thousands or decimals?) is not read as 1.5: refused by its field')
  t.same(ruleInput({ ...EMPTY_DRAFT, name: 'n', value: '1500' }).condition, { kind: 'threshold', window: '10m', groupBy: 'user.id', metric: 'count', bound: { op: 'gt', value: 1500 } })
})

t.test('filters and a saved search the form does not edit are kept', async t => {
  const rule = stored({ kind: 'threshold', savedSearchId: '0b6d8a3e-5b1c-4c2e-9f0a-1d2e3f4a5b6c', filters: { country: ['FR'] }, window: '1h', bound: { value: 3 } })
  t.match(ruleInput(draftOf(rule)).condition, { savedSearchId: '0b6d8a3e-5b1c-4c2e-9f0a-1d2e3f4a5b6c', filters: { country: ['FR'] } })
  t.match(ruleInput({ ...draftOf(rule), kind: 'signal' }).condition, { kind: 'signal', filters: { country: ['FR'] } })
  t.notOk('savedSearchId' in (ruleInput({ ...draftOf(rule), kind: 'signal' }).condition as object), 'a saved search selects for thresholds only')
})

t.test('"Watch this search": Discover\'s query and chips, not its period, start a new rule', async t => {
  const state = readState(new URLSearchParams('q=event.action:withdrawal&from=now-7d&to=now&country=FR&country=DE&outcome=failure&cols=@timestamp,user.id&sort=user.id:asc'))
  const params = new URLSearchParams(watchQuery(state))
  t.equal(params.get('watch'), '1')
  t.notOk(params.has('from') || params.has('cols') || params.has('sort'), 'no period, columns or sort')
  const start = watchStart(params)
  t.same(start, { query: 'event.action:withdrawal', filters: { country: ['FR', 'DE'], outcome: ['failure'] } })
  t.same(JSON.parse(JSON.stringify(ruleInput(draftOf(undefined, start)).condition)), { kind: 'threshold', filters: { country: ['FR', 'DE'], outcome: ['failure'] }, query: 'event.action:withdrawal', window: '10m', groupBy: 'user.id', metric: 'count', bound: { op: 'gt', value: null } })
  t.same(watchStart(new URLSearchParams('watch=1')), { query: '' }, 'an empty search: every event')
})
