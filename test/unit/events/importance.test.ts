import t from 'tap'
import { rateImportance } from '../../../src/events/importance.ts'
import { DEFAULT_IMPORTANCE_RULES } from '../../../src/events/importance-rules.ts'
import { ACTIONS, classify } from '../../../src/events/taxonomy.ts'
import type { ImportanceFacts } from '../../../src/events/importance.ts'

const rate = (facts: Partial<ImportanceFacts> & { action: string }) => rateImportance(DEFAULT_IMPORTANCE_RULES, {
  category: classify(facts.action).category, outcome: 'success', actorType: 'user', ...facts
})

t.test('the default table gives the documented levels', async t => {
  t.same(rate({ action: 'role_changed', actorType: 'operator' }), { level: 'critical', score: 95, rule: 'operator-role-change' })
  t.same(rate({ action: 'role_changed' }), { level: 'high', score: 72, rule: 'role-change' })
  t.equal(rate({ action: 'withdrawal', amount: 50 }).rule, 'withdrawal')
  t.equal(rate({ action: 'withdrawal', amount: 1000 }).rule, 'withdrawal-over-threshold')
  t.equal(rate({ action: 'withdrawal', amount: 25000 }).level, 'critical')
  t.equal(rate({ action: 'password_changed' }).level, 'high')
  t.equal(rate({ action: 'login', outcome: 'failure' }).rule, 'failed-authentication')
  t.equal(rate({ action: 'login' }).level, 'low')
  t.equal(rate({ action: 'button_clicked' }).score, 5)
  t.same(rate({ action: 'something_new' }), { level: 'low', score: 10, rule: 'default' })
  t.equal(rate({ action: 'something_new', actorType: 'operator' }).rule, 'operator-action')
})

t.test('rules are well-formed data', async t => {
  const ids = new Set(DEFAULT_IMPORTANCE_RULES.map(r => r.id))
  t.equal(ids.size, DEFAULT_IMPORTANCE_RULES.length, 'rule ids are unique')
  for (const rule of DEFAULT_IMPORTANCE_RULES) {
    for (const action of rule.when.actions ?? []) t.ok(action in ACTIONS, `${rule.id} names a known action (${action})`)
    t.ok(rule.why.length > 10, `${rule.id} says why`)
  }
})

t.test('taxonomy: unknown actions are custom, money has directions', async t => {
  t.same(classify('deposit'), { category: 'money', direction: 'in' })
  t.same(classify('withdrawal'), { category: 'money', direction: 'out' })
  t.same(classify('login'), { category: 'authentication' })
  t.same(classify('cashback_tier_upgraded'), { category: 'custom' })
})
