import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { body, call, D, H, IP, M, plant, until, type Json, type Plant } from '../helpers/watch.ts'

let stack: Stack
const now = Date.now()
const T = now - 6 * H
// The shared device and address: two days ago.
const W = now - 2 * D
const STUFFED = '203.0.113.7'
const QUIET_IP = '203.0.113.50'

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
    ...[0, 1, 2, 3].map(k => ({ id: `rk-n-${k}`, user: `quiet-${k}`, at: T + k * H, action: 'login', ip: IP.paris })),
    // A device four accounts sign in on; one of them failed six times in six minutes there.
    ...[1, 2, 3, 4].map(k => ({ id: `rk-d-${k}`, user: `dv-${k}`, at: W + k * M, action: 'login', ip: `198.51.100.${k}`, device: 'dev-shared' })),
    ...[0, 1, 2, 3, 4, 5].map(k => ({ id: `rk-df-${k}`, user: 'dv-1', at: W + (10 + k) * M, action: 'login', outcome: 'failure', ip: '198.51.100.1', device: 'dev-shared' })),
    // A device with routine email changes only.
    ...[3, 2, 1].map(d => ({ id: `rk-dr-${d}`, user: 'dv-routine', at: now - d * D, action: 'email_changed', ip: '198.51.100.30', device: 'dev-routine' })),
    // An address three accounts failed to sign in from, twice each within six minutes: a burst for the address, none for an account.
    ...[1, 2, 3].flatMap(k => [0, 1].map(j => ({ id: `rk-if-${k}-${j}`, user: `ip-${k}`, at: W + (2 * k + j) * M, action: 'login', outcome: 'failure', ip: STUFFED }))),
    // An address with routine email changes only.
    ...[3, 2, 1].map(d => ({ id: `rk-ir-${d}`, user: 'ip-routine', at: now - d * D, action: 'email_changed', ip: QUIET_IP }))
  ], 37)
  // Another tenant: the same device id and address, with accounts and a burst of failures that would rank them first.
  const other: Plant[] = [
    ...[1, 2, 3, 4].map(k => ({ id: `rk-b-${k}`, user: `b-${k}`, at: W + k * M, action: 'login', ip: QUIET_IP, device: 'dev-routine' })),
    ...[0, 1, 2, 3, 4, 5].map(k => ({ id: `rk-bf-${k}`, user: 'b-1', at: W + (10 + k) * M, action: 'login', outcome: 'failure', ip: QUIET_IP, device: 'dev-routine' }))
  ]
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: other.map(e => ({ ...body(e), audit: { ...(body(e) as Json).audit, tenant: 'brand-b' } })) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  if (await stack.waitForCount(47) < 47) throw new Error('planted events not searchable')
})

const rank = async (subject: string, key = KEYS.aRead): Promise<Json> => {
  const r = await call(stack, 'POST', '/v1/analytics/risk', key, { subject, filters: { period: { from: 'now-30d' } }, halfLife: '7d', size: 100 })
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

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
  const theirs = ((await call(stack, 'POST', '/v1/analytics/risk', KEYS.bRead, {})).body.users as Json[]).map(u => u.userId)
  t.same(theirs, ['b-1', 'b-2', 'b-3', 'b-4'], 'another tenant sees only its own users')
  t.equal((await call(stack, 'POST', '/v1/analytics/risk', KEYS.aRead, { subject: 'host' })).status, 400)
})


t.test('a device shared by accounts with failed sign-ins ranks above one with routine changes, with its reasons and its users', async t => {
  const r = await rank('device')
  t.equal(r.subject, 'device')
  t.notOk('users' in r, 'devices, not users')
  const devices = r.devices as Json[]
  t.same(devices.map(d => d.deviceId), ['dev-shared', 'dev-routine'], 'events without a device count for none')
  const [shared, routine] = devices as [Json, Json]
  t.ok(shared.score > routine.score, `${shared.score as number} > ${routine.score as number}`)
  t.same(shared.contributions.map((c: Json) => c.name).sort(), ['failed-logins', 'shared-device'])
  const burst = shared.contributions.find((c: Json) => c.name === 'failed-logins')
  t.match(burst, { kind: 'signal', weight: 20, figure: { failures: 6 } })
  t.same([...burst.eventIds].sort(), [0, 1, 2, 3, 4, 5].map(k => `rk-df-${k}`), 'the burst of an account counts for the device it came from')
  t.match(shared.contributions.find((c: Json) => c.name === 'shared-device'), { kind: 'signal', weight: 15, figure: { users: 4 } })
  t.same(shared.users, { count: 4, complete: true, ids: ['dv-1', 'dv-2', 'dv-3', 'dv-4'] }, 'the accounts seen on it, most active first')
  t.same(routine.contributions.map((c: Json) => [c.kind, c.name]), [['event', 'email_changed'], ['event', 'email_changed'], ['event', 'email_changed']])
  t.same(routine.users, { count: 1, complete: true, ids: ['dv-routine'] }, 'the other tenant\'s accounts on the same device id are not counted')
  t.same(routine.contributions.flatMap((c: Json) => c.eventIds).sort(), ['rk-dr-1', 'rk-dr-2', 'rk-dr-3'], 'nor its events')
  t.equal(r.found, 2)
})

t.test('an address many accounts failed from ranks above one with routine changes', async t => {
  const r = await rank('ip')
  const ips = r.ips as Json[]
  const order = ips.map(i => i.ip)
  t.ok(order.includes(STUFFED) && order.indexOf(STUFFED) < order.indexOf(QUIET_IP), order.join(', '))
  const stuffed = ips.find(i => i.ip === STUFFED) as Json
  t.same(stuffed.contributions.map((c: Json) => c.name).sort(), ['failed-logins', 'shared-ip'])
  t.match(stuffed.contributions.find((c: Json) => c.name === 'failed-logins'), { kind: 'signal', weight: 20, figure: { failures: 6, distinctUsers: 3 } })
  t.same(stuffed.users, { count: 3, complete: true, ids: ['ip-1', 'ip-2', 'ip-3'] })
  const quiet = ips.find(i => i.ip === QUIET_IP) as Json
  t.same(quiet.contributions.map((c: Json) => c.name), ['email_changed', 'email_changed', 'email_changed'], 'the other tenant\'s failures from the same address are not counted')
  t.same(quiet.users.ids, ['ip-routine'])
  // Findings about users count for the addresses their events came from.
  const ng = ips.find(i => i.ip === IP.ng) as Json
  t.match(ng.contributions.find((c: Json) => c.kind === 'signal'), { name: 'change-then-withdraw', eventIds: ['rk-t-pw', 'rk-t-wd'] })
  t.same(ng.users.ids, ['taken'])
})

t.test('alerts grouped by device or address count for it; alerts about users, for where their events happened', async t => {
  const rules = [
    // The shared device; the stuffed address and Paris (seven accounts).
    { raises: 1, name: 'Shared device', severity: 'high', interval: '1d', lookBack: '1d', condition: { kind: 'signal', signal: 'shared-device', params: { by: 'device', minUsers: 3 } } },
    { raises: 2, name: 'Shared address', severity: 'high', interval: '1d', lookBack: '1d', condition: { kind: 'signal', signal: 'shared-device', params: { by: 'ip', minUsers: 3 } } }
  ]
  for (const { raises, ...rule } of rules) {
    const created = await call(stack, 'POST', '/v1/watch-rules', KEYS.aAdmin, rule)
    t.equal(created.status, 201, JSON.stringify(created.body))
    // The worker's schedule runs a new rule at once too: whichever run gets there first raises the alerts, once.
    t.match(await stack.indexer?.alerting.runner.run({ ruleId: created.body.id, tenant: 'brand-a', jobId: `risk-${rule.name}`, attempt: 1, willRetry: false }), { status: /succeeded|skipped/ })
    const listed = await until(`${raises} alerts of ${rule.name}`, async () => {
      const alerts = (await call(stack, 'GET', `/v1/alerts?ruleId=${created.body.id as string}`, KEYS.aRead)).body.alerts as Json[]
      return alerts.length >= raises ? alerts : undefined
    })
    t.equal(listed.length, raises)
  }
  const device = ((await rank('device')).devices as Json[]).find(d => d.deviceId === 'dev-shared') as Json
  t.match(device.contributions.find((c: Json) => c.kind === 'alert'), { name: 'Shared device', level: 'high', weight: 30, sameAs: 'signal shared-device', figure: { signal: 'shared-device', users: 4 } })
  t.notOk(device.contributions.some((c: Json) => c.name === 'shared-device'), 'the alert and the finding about the same events count once')
  const ips = (await rank('ip')).ips as Json[]
  const stuffed = ips.find(i => i.ip === STUFFED) as Json
  t.match(stuffed.contributions.find((c: Json) => c.kind === 'alert'), { name: 'Shared address', sameAs: 'signal shared-ip' })
  // The new-country alert of the traveller (opened above) is about a user: it counts for the address of its sign-in.
  const melbourne = ips.find(i => i.ip === IP.melbourne) as Json
  t.match(melbourne.contributions.find((c: Json) => c.kind === 'alert'), { name: 'New country', level: 'critical', eventIds: ['rk-v-2'] })
})

t.test('masked keys may rank devices, not addresses', async t => {
  const r = await call(stack, 'POST', '/v1/analytics/risk', KEYS.aMasked, { subject: 'ip' })
  t.equal(r.status, 400)
  t.match(r.body.errors, [{ path: '/subject', message: /"source.ip" is masked for this key/ }])
  const devices = await call(stack, 'POST', '/v1/analytics/risk', KEYS.aMasked, { subject: 'device' })
  t.equal(devices.status, 200)
  t.equal(devices.body.devices[0].deviceId, 'dev-shared')
})
