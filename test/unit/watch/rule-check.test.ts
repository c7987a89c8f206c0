import t from 'tap'
import { ValidationError } from '../../../src/errors.ts'
import { checkRule, groupField, ruleTimes } from '../../../src/watch/rule-check.ts'

const problems = (input: unknown): Array<{ path: string, message: string }> => {
  try {
    checkRule(input, 'brand-a')
  } catch (err) {
    if (err instanceof ValidationError) return err.errors
    throw err
  }
  return []
}

t.test('defaults are written out', async t => {
  const r = checkRule({ name: 'w', condition: { kind: 'threshold', window: '1h', bound: { value: 3 } } }, 'brand-a')
  t.match(r, { enabled: true, severity: 'medium', interval: '5m', lookBack: '10m', condition: { metric: 'count', bound: { op: 'gt', value: 3 } } })
  t.same(ruleTimes(r), { intervalMs: 300_000, lookBackMs: 600_000, cooldownMs: 0 })
  const n = checkRule({ name: 'n', cooldown: '1h', condition: { kind: 'new-value', field: 'country' } }, null)
  t.match(n.condition, { field: 'country', days: 30, requireHistory: true })
  t.equal(ruleTimes(n).cooldownMs, 3_600_000)
})

t.test('group and watched fields come from the allowlist', async t => {
  t.equal(groupField('user.id'), 'user.id')
  t.equal(groupField('country'), 'source.geo.country_iso_code')
  t.equal(groupField('audit.details.iban'), 'audit.details.iban')
  t.equal(groupField('message'), undefined, 'text is not groupable')
  t.equal(groupField('script.source'), undefined)
  t.match(problems({ name: 'x', condition: { kind: 'threshold', window: '1h', groupBy: 'doc[\'x\']', bound: { value: 1 } } }), [{ path: '/condition/groupBy' }])
  t.match(problems({ name: 'x', condition: { kind: 'new-value', field: 'message' } }), [{ path: '/condition/field' }])
  t.match(problems({ name: 'x', condition: { kind: 'new-value', field: 'user.id' } }), [{ path: '/condition/field' }])
})

t.test('every problem at once, with its path', async t => {
  const p = problems({ name: 'x', interval: '2d', cooldown: '90d', condition: { kind: 'threshold', window: '8d', query: 'user.id:(', filters: { ip: ['nope'] }, bound: { value: 1 } } })
  t.same(p.map(e => e.path).sort(), ['/condition/filters/ip/0', '/condition/query', '/condition/window', '/cooldown', '/interval'])
  t.match(problems({ name: 'x', condition: { kind: 'threshold', window: '1h', bound: { value: 1 }, extra: 1 } }), [{ path: '/condition' }])
  t.match(problems({ name: 'x', condition: { kind: 'nope' } }), [{ path: '/condition' }])
})

t.test('signal parameters belong to their signal', async t => {
  t.same(problems({ name: 's', condition: { kind: 'signal', signal: 'failed-logins', params: { by: 'ip', threshold: 3, window: '1h' } } }), [])
  t.match(problems({ name: 's', condition: { kind: 'signal', signal: 'failed-logins', params: { by: 'device', window: '2d' } } }), [{ path: '/condition/params/by' }, { path: '/condition/params/window' }])
  t.match(problems({ name: 's', condition: { kind: 'signal', signal: 'impossible-travel', params: { minUsers: 3 } } }), [{ path: '/condition/params/minUsers' }])
  t.same(problems({ name: 's', condition: { kind: 'signal', signal: 'shared-device', params: { by: 'ip', minUsers: 4, window: '90d' } } }), [])
})
