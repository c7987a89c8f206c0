import t from 'tap'
import { KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { call, D, H, IP, M, plant, type Json } from '../helpers/watch.ts'

let stack: Stack
const now = Date.now()
const T = now - 6 * H

t.before(async () => {
  stack = await startStack(t)
  await plant(stack, KEYS.aIngest, [
    // Taken over: known from France for days, then a sign-in from Nigeria, the password changed, 5,000 EUR out nine minutes later.
    ...[6, 4, 2].map(d => ({ id: `rk-t-${d}`, user: 'taken', at: T - d * D, action: 'login', ip: IP.paris })),
    { id: 'rk-t-login', user: 'taken', at: T, action: 'login', ip: IP.ng },
    { id: 'rk-t-pw', user: 'taken', at: T + 2 * M, action: 'password_changed', ip: IP.ng },
    { id: 'rk-t-wd', user: 'taken', at: T + 11 * M, action: 'withdrawal', ip: IP.ng, amount: 5000 },
    // Paris, then Melbourne 40 minutes later.
    { id: 'rk-v-1', user: 'traveller', at: T, action: 'login', ip: IP.paris },
    { id: 'rk-v-2', user: 'traveller', at: T + 40 * M, action: 'login', ip: IP.melbourne },
    // Three routine email changes over three days.
    ...[3, 2, 1].map(d => ({ id: `rk-r-${d}`, user: 'routine', at: now - d * D, action: 'email_changed', ip: IP.paris })),
    // Ordinary activity.
    ...[0, 1, 2, 3].map(k => ({ id: `rk-n-${k}`, user: `quiet-${k}`, at: T + k * H, action: 'login', ip: IP.paris }))
  ], 15)
})

t.test('the taken-over account and the traveller rank above routine profile changes, with the reasons', async t => {
  const r = await call(stack, 'POST', '/v1/analytics/risk', KEYS.aRead, { filters: { period: { from: 'now-30d' } }, halfLife: '7d' })
  t.equal(r.status, 200, JSON.stringify(r.body))
  const ranked = (r.body.users as Json[]).map(u => u.userId)
  t.same(ranked.slice(0, 2).sort(), ['taken', 'traveller'])
  t.ok(ranked.indexOf('routine') > 1, `routine ranks below: ${ranked.join(', ')}`)
  t.notOk(ranked.includes('quiet-0'), 'ordinary sign-ins earn nothing')
  const taken = (r.body.users as Json[]).find(u => u.userId === 'taken') as Json
  t.match(taken.contributions[0], { kind: 'signal', name: 'change-then-withdraw', weight: 40, eventIds: ['rk-t-pw', 'rk-t-wd'] })
  t.ok(taken.contributions.some((c: Json) => c.kind === 'event' && c.name === 'withdrawal' && c.eventIds[0] === 'rk-t-wd'))
  const routine = (r.body.users as Json[]).find(u => u.userId === 'routine') as Json
  t.same(routine.contributions.map((c: Json) => c.name), ['email_changed', 'email_changed', 'email_changed'])
  t.ok(routine.contributions[0].points > routine.contributions[2].points, 'repeats count less')
  t.match(r.body, { halfLifeMs: 7 * D, truncated: false })
})

t.test('an open alert about a user adds to its score; a closed one does not', async t => {
  const rule = (await call(stack, 'POST', '/v1/watch-rules', KEYS.aAdmin, { name: 'New country', severity: 'critical', interval: '1d', lookBack: '1d', condition: { kind: 'new-value', field: 'country', days: 30, filters: { action: ['login'] } } })).body
  const run = await stack.indexer?.alerting.runner.run({ ruleId: rule.id, tenant: 'brand-a', jobId: 'risk', attempt: 1, willRetry: false })
  t.match(run, { status: 'succeeded' })
  const score = async (): Promise<number> => ((await call(stack, 'POST', '/v1/analytics/risk', KEYS.aRead, {})).body.users as Json[]).find(u => u.userId === 'taken')?.score as number
  const alerts = (await call(stack, 'GET', `/v1/alerts?ruleId=${rule.id as string}`, KEYS.aRead)).body.alerts as Json[]
  // The traveller's Melbourne sign-in is a new country too.
  t.same(alerts.map(a => [a.group, a.figure.value]).sort(), [['taken', 'NG'], ['traveller', 'AU']])
  const withAlert = await score()
  await call(stack, 'POST', `/v1/alerts/${alerts.find(a => a.group === 'taken')?.id as string}/status`, KEYS.aRead, { status: 'closed', note: 'reviewed' })
  const without = await score()
  t.ok(withAlert - without > 30, `the critical alert counted (${withAlert} → ${without})`)
})

t.test('bad requests and tenants', async t => {
  t.equal((await call(stack, 'POST', '/v1/analytics/risk', KEYS.aRead, { halfLife: '10m' })).status, 400)
  t.equal((await call(stack, 'POST', '/v1/analytics/risk', KEYS.aRead, { query: 'user.id:(' })).status, 400)
  t.same((await call(stack, 'POST', '/v1/analytics/risk', KEYS.bRead, {})).body.users, [], 'another tenant sees none of it')
})
