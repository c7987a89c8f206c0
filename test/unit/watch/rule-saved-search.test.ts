import t from 'tap'
import { conditionQuery } from '../../../src/watch/rule-check.ts'

t.test('a rule built on a saved search takes its filters and KQL, never its time range', async t => {
  const errors: never[] = []
  const saved = { filters: { period: { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z' }, action: ['login'] }, query: 'event.outcome:failure' }
  const query = JSON.stringify(conditionQuery({}, 'brand-a', errors, saved))
  t.same(errors, [])
  t.notMatch(query, /2026-11/, 'no period of the saved search')
  t.match(query, /"event.action"/)
  t.match(query, /failure/)
})
