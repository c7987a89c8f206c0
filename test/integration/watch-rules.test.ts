import { setTimeout as sleep } from 'node:timers/promises'
import { t } from '../helpers/file-test.ts'
import { KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { pino } from 'pino'
import { call, D, H, IP, M, plant, runRule, until, type Json, type Plant } from '../helpers/watch.ts'
import { composeAlerting } from '../../src/compose/alerting.ts'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { RuleRunsStore } from '../../src/store/system/rule-runs-store.ts'
import { RuleLocks } from '../../src/queue/rules-queue.ts'
import { RUN_LIMITS } from '../../src/watch/evaluation.ts'
import { RuleRunner, type RunnerDeps } from '../../src/watch/rule-runner.ts'

let stack: Stack
let count = 0
const now = Date.now()
const admin = KEYS.aAdmin
const tenant = 'brand-a'

async function createRule (rule: object): Promise<Json> {
  const r = await call(stack, 'POST', '/v1/watch-rules', admin, rule)
  if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`)
  // A new rule runs at once on its schedule: the test plants its events after that first run.
  await until('the first scheduled run', async () => (await call(stack, 'GET', `/v1/watch-rules/${r.body.id as string}/runs`, KEYS.aRead)).body.runs.length > 0 ? true : undefined)
  return r.body
}
const alertsOf = async (ruleId: string): Promise<Json[]> => (await call(stack, 'GET', `/v1/alerts?ruleId=${ruleId}`, KEYS.aRead)).body.alerts
async function put (events: Plant[]): Promise<void> {
  count += events.length
  await plant(stack, KEYS.aIngest, events, count)
}

t.before(async () => { stack = await startStack(t) })

t.test('a velocity rule fires on the planted pattern, not on the near miss, and once', async t => {
  const rule = await createRule({ name: 'More than 3 withdrawals in 1 h', severity: 'high', interval: '1d', condition: { kind: 'threshold', filters: { action: ['withdrawal'] }, window: '1h', groupBy: 'user.id', bound: { op: 'gt', value: 3 } } })
  const fast = [0, 10, 20, 50].map((m, k) => ({ id: `v-fast-${k}`, user: 'v-fast', at: now - 2 * H + m * M, action: 'withdrawal', amount: 100 }))
  // Four withdrawals, but no hour holds more than three of them.
  const slow = [0, 25, 50, 61].map((m, k) => ({ id: `v-slow-${k}`, user: 'v-slow', at: now - 3 * H + m * M, action: 'withdrawal', amount: 100 }))
  const other = [0, 1, 2, 3, 4].map(k => ({ id: `v-dep-${k}`, user: 'v-dep', at: now - H + k * M, action: 'deposit', amount: 100 }))
  await put([...fast, ...slow, ...other])
  const run = await runRule(stack, rule.id, tenant)
  t.match(run, { status: 'succeeded', raised: 1, findings: 1, truncated: false, groups: 2 })
  const alerts = await alertsOf(rule.id)
  t.equal(alerts.length, 1)
  t.match(alerts[0], { group: 'v-fast', group_field: 'user.id', severity: 'high', status: 'open', kind: 'threshold', rule_name: rule.name, figure: { metric: 'count', value: 4, bound: { op: 'gt', value: 3 }, events: 4 } })
  t.same(alerts[0]?.evidence, fast.map(e => e.id))
  t.equal(alerts[0]?.first_event_at, new Date(fast[0]!.at).toISOString())
  const again = await runRule(stack, rule.id, tenant)
  t.match(again, { status: 'succeeded', raised: 0, merged: 0 }, 'the same events do not fire again')
  t.equal((await alertsOf(rule.id)).length, 1)
  // One more withdrawal: the open alert takes it in.
  await put([{ id: 'v-fast-4', user: 'v-fast', at: now - 2 * H + 55 * M, action: 'withdrawal', amount: 100 }, ...[1, 2, 3].map(k => ({ id: `v-fast-${4 + k}`, user: 'v-fast', at: now - 30 * M + k * M, action: 'withdrawal', amount: 100 }))])
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 1 })
  const merged = await alertsOf(rule.id)
  t.match(merged, [{ repeats: 1, status: 'open' }])
})

t.test('an amount rule sums per currency', async t => {
  const rule = await createRule({ name: 'Over 5,000 withdrawn in 1 h', interval: '1d', condition: { kind: 'threshold', filters: { action: ['withdrawal'] }, window: '1h', groupBy: 'user.id', metric: 'amount', bound: { op: 'gte', value: 5000 } } })
  await put([
    { id: 'am-1', user: 'am-eur', at: now - 50 * M, action: 'withdrawal', amount: 3000 },
    { id: 'am-2', user: 'am-eur', at: now - 40 * M, action: 'withdrawal', amount: 2000 },
    { id: 'am-3', user: 'am-mix', at: now - 50 * M, action: 'withdrawal', amount: 3000 },
    { id: 'am-4', user: 'am-mix', at: now - 40 * M, action: 'withdrawal', amount: 2000, currency: 'USD' }
  ])
  t.match(await runRule(stack, rule.id, tenant), { status: 'succeeded', raised: 1 })
  t.match(await alertsOf(rule.id), [{ group: 'am-eur', figure: { metric: 'amount', value: 5000, currency: 'EUR' } }])
})

t.test('a fraud-signal rule fires once for a finding and not again while open', async t => {
  const rule = await createRule({ name: 'Change then withdraw', severity: 'critical', interval: '1d', condition: { kind: 'signal', signal: 'change-then-withdraw', params: { window: '24h' } } })
  const burst = await createRule({ name: 'Failed sign-ins', interval: '1d', condition: { kind: 'signal', signal: 'failed-logins', params: { threshold: 5, window: '10m' } } })
  await put([
    { id: 'cw-1', user: 'cw-a', at: now - 3 * H, action: 'password_changed' },
    { id: 'cw-2', user: 'cw-a', at: now - 3 * H + 20 * M, action: 'withdrawal', amount: 900 },
    { id: 'cw-3', user: 'cw-b', at: now - 3 * H, action: 'password_changed', outcome: 'failure' },
    { id: 'cw-4', user: 'cw-b', at: now - 3 * H + 5 * M, action: 'withdrawal', amount: 900 },
    ...[0, 1, 2, 3, 4].map(k => ({ id: `fl-${k}`, user: 'fl-a', at: now - H + k * M, action: 'login_failed', outcome: 'failure' })),
    ...[0, 3, 6, 9].map(k => ({ id: `fl-b-${k}`, user: 'fl-b', at: now - H + k * M, action: 'login_failed', outcome: 'failure' }))
  ])
  t.match(await runRule(stack, rule.id, tenant), { status: 'succeeded', raised: 1 })
  t.match(await runRule(stack, burst.id, tenant), { status: 'succeeded', raised: 1 })
  const cw = await alertsOf(rule.id)
  t.match(cw, [{ group: 'cw-a', severity: 'critical', kind: 'signal', figure: { signal: 'change-then-withdraw', change: 'password_changed', withdrawals: 1 } }])
  t.same(cw[0]?.evidence, ['cw-1', 'cw-2'])
  t.match(await alertsOf(burst.id), [{ group: 'fl-a', figure: { failures: 5 } }])
  await put([0, 1, 2, 3, 4].map(k => ({ id: `fl-2-${k}`, user: 'fl-a', at: now - H + (20 + k) * M, action: 'login_failed', outcome: 'failure' })))
  t.match(await runRule(stack, burst.id, tenant), { raised: 0, merged: 1 }, 'a second burst, behind one as dense and already alerted, is found: it joins the open alert')
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 0 }, 'the same finding: nothing')
  await put([{ id: 'cw-5', user: 'cw-a', at: now - 2 * H, action: 'withdrawal', amount: 400 }])
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 1 }, 'a new finding of the same user joins the open alert')
  t.match(await alertsOf(rule.id), [{ group: 'cw-a', repeats: 1 }])
})

t.test('a new-country rule fires for the right user', async t => {
  const rule = await createRule({ name: 'Sign-in from a new country', interval: '1d', condition: { kind: 'new-value', field: 'country', days: 30, filters: { action: ['login'], outcome: ['success'] } } })
  await put([
    ...[5, 4, 3].map(d => ({ id: `nc-1-${d}`, user: 'nc-1', at: now - d * D, action: 'login', ip: IP.paris })),
    { id: 'nc-1-new', user: 'nc-1', at: now - 10 * M, action: 'login', ip: IP.ng },
    ...[5, 4, 0].map(d => ({ id: `nc-2-${d}`, user: 'nc-2', at: now - d * D - M, action: 'login', ip: IP.paris })),
    // A first sign-in ever has no history to differ from.
    { id: 'nc-3-new', user: 'nc-3', at: now - 10 * M, action: 'login', ip: IP.ng },
    // Seen before in a deposit: not new.
    { id: 'nc-4-old', user: 'nc-4', at: now - 2 * D, action: 'deposit', ip: IP.ng, amount: 10 },
    { id: 'nc-4-new', user: 'nc-4', at: now - 10 * M, action: 'login', ip: IP.ng }
  ])
  t.match(await runRule(stack, rule.id, tenant), { status: 'succeeded', raised: 1 })
  const alerts = await alertsOf(rule.id)
  t.match(alerts, [{ group: 'nc-1', figure: { field: 'source.geo.country_iso_code', value: 'NG', previous: ['FR'], days: 30 } }])
  t.same(alerts[0]?.evidence, ['nc-1-new'])
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 0 })
  // Closed, then the same country again: the next run's look-back still holds the reported sign-in, and the
  // country is no longer new.
  t.equal((await call(stack, 'POST', `/v1/alerts/${alerts[0]?.id as string}/status`, KEYS.aRead, { status: 'closed', note: 'Travelling' })).status, 200)
  await put([{ id: 'nc-1-again', user: 'nc-1', at: now - 5 * M, action: 'login', ip: IP.ng }])
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 0 }, 'a country already reported is not new again')
  // A new country whose sign-in arrives late, older than the one reported: still new.
  await put([{ id: 'nc-1-late', user: 'nc-1', at: now - 20 * M, action: 'login', ip: IP.us }])
  t.match(await runRule(stack, rule.id, tenant), { raised: 1 }, 'a late new country is found')
  const late = (await alertsOf(rule.id)).filter(a => a.status === 'open')
  t.match(late, [{ group: 'nc-1', figure: { value: 'US', previous: ['FR'] } }])
  t.same(late[0]?.evidence, ['nc-1-late'])
})

t.test('a reader of masked data is not shown rules that select on personal values', async t => {
  const personal = await createRule({ name: 'One address', interval: '1d', condition: { kind: 'threshold', window: '1h', filters: { ip: ['81.2.69.142'] }, query: 'user.email:"alice@example.com"', bound: { value: 100 } } })
  const plain = await createRule({ name: 'Many withdrawals', interval: '1d', condition: { kind: 'threshold', window: '1h', filters: { action: ['withdrawal'] }, bound: { value: 100 } } })
  const list = await call(stack, 'GET', '/v1/watch-rules', KEYS.aMasked)
  t.equal(list.status, 200)
  const names = (list.body.rules as Json[]).map(r => r.name as string)
  t.ok(names.includes(plain.name) && !names.includes(personal.name), names.join(', '))
  t.notMatch(JSON.stringify(list.body), /81\.2\.69\.142|alice@example\.com/)
  t.equal((await call(stack, 'GET', `/v1/watch-rules/${personal.id as string}`, KEYS.aMasked)).status, 403)
  t.equal((await call(stack, 'GET', `/v1/watch-rules/${personal.id as string}/runs`, KEYS.aMasked)).status, 403, 'nor its run log')
  t.equal((await call(stack, 'GET', `/v1/watch-rules/${plain.id as string}`, KEYS.aMasked)).status, 200)
  t.equal((await call(stack, 'GET', `/v1/watch-rules/${personal.id as string}`, KEYS.aRead)).status, 200, 'a reader in clear sees it')
})

t.test('rules run on their schedule, once per interval however many workers, and every run is logged', async t => {
  // A second worker on the same queues, besides the stack's own.
  const redis = createRedis(stack.config.redis, 'worker')
  await connectRedis(redis, stack.config.redis)
  const second = await composeAlerting(stack.config, stack.es, redis)
  const workers = await second.startWorkers(pino({ level: 'silent' }))
  t.teardown(async () => { await workers.close(); await second.close(); redis.disconnect() })
  const rule = await createRule({ name: 'Every second', interval: '1s', condition: { kind: 'threshold', window: '1m', bound: { value: 1e9 } } })
  const started = Date.now()
  const runs = await until('scheduled runs', async () => {
    const r = await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs?status=succeeded`, KEYS.aRead)
    return r.body.runs?.length >= 5 ? r.body.runs as Json[] : undefined
  })
  const all = (await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs?size=500`, KEYS.aRead)).body.runs as Json[]
  t.ok(all.length <= Math.ceil((Date.now() - started) / 1000) + 2, `about one run per second (${all.length} runs)`)
  t.same(all.filter(r => r.status !== 'succeeded'), [], 'none skipped or failed')
  const spans = all.map(r => [Date.parse(r.started_at), Date.parse(r.finished_at)]).sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0))
  t.ok(spans.every((s, i) => i === 0 || (s[0] ?? 0) >= (spans[i - 1]?.[1] ?? 0)), 'never two runs of the rule at once')
  t.match(runs[0], { rule_id: rule.id, tenant, status: 'succeeded', attempt: 1, will_retry: false })
  t.ok(runs[0]?.duration_ms >= 0)
  // Each run starts where the previous one ended, less the look-back.
  t.equal(Date.parse(runs[0]?.since), Date.parse(runs[1]?.until) - 10 * M)
  t.equal((await call(stack, 'PUT', `/v1/watch-rules/${rule.id}`, admin, { name: 'Off', enabled: false, condition: { kind: 'threshold', window: '1m', bound: { value: 1e9 } } }, { 'if-match': `"${rule.version}"` })).status, 200)
  // A run already taken by a worker when the rule was disabled still logs itself: wait until the log stops growing.
  let logged = -1
  await until('the run log to settle', async () => {
    await new Promise(resolve => setTimeout(resolve, 1500))
    const n = ((await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs?size=500`, KEYS.aRead)).body.runs as Json[]).length
    const settled = n === logged
    logged = n
    return settled ? true : undefined
  })
  // Housekeeping deletes old runs but keeps each rule's last successful one, where its next run starts.
  const before = (await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs?status=succeeded`, KEYS.aRead)).body.runs as Json[]
  t.ok(await new RuleRunsStore(stack.es, stack.config.indexPrefix).prune(new Date(Date.now() + M).toISOString()) >= before.length - 1)
  const kept = (await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs`, KEYS.aRead)).body.runs as Json[]
  t.same(kept.map(r => r.id), [before[0]?.id])
})

t.test('a failing run is logged with its error and retried, never skipped silently', async t => {
  const saved = await call(stack, 'POST', '/v1/saved-searches', KEYS.aAdmin, { name: 'Withdrawals', query: 'event.action:withdrawal', shared: true })
  t.equal(saved.status, 201, JSON.stringify(saved.body))
  const rule = await createRule({ name: 'On a saved search', interval: '1d', condition: { kind: 'threshold', savedSearchId: saved.body.id, window: '1h', bound: { value: 1e9 } } })
  t.equal((await call(stack, 'DELETE', `/v1/saved-searches/${saved.body.id}`, KEYS.aAdmin)).status, 204)
  await t.rejects(runRule(stack, rule.id, tenant, 1, true), /saved search/)
  const runs = (await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs`, KEYS.aRead)).body.runs
  t.match(runs, [{ status: 'failed', attempt: 1, will_retry: true, reason: /saved search .* no longer exists/ }])
  // Through the queue: the job is attempted again (three attempts in all), each attempt logged.
  await call(stack, 'POST', `/v1/watch-rules/${rule.id}/run`, admin)
  const failed = await until('retried runs', async () => {
    const r = (await call(stack, 'GET', `/v1/watch-rules/${rule.id}/runs?status=failed`, KEYS.aRead)).body.runs as Json[]
    return r.some(run => run.attempt === 3) ? r : undefined
  }, 40_000)
  const queued = failed.filter(r => r.job_id.startsWith('now-'))
  t.same(queued.map(r => [r.attempt, r.will_retry]), [[3, false], [2, true], [1, true]], 'three attempts, the last one final')
  t.ok(queued.every(r => /no longer exists/.test(r.reason)))
  // The rules list shows each rule's latest run: this one failed; another tenant's list holds none of its runs.
  const list = (await call(stack, 'GET', '/v1/watch-rules', KEYS.aRead)).body
  t.match(list.last_runs[rule.id], { status: 'failed', attempt: 3, will_retry: false, reason: /no longer exists/ })
  t.ok(Object.keys(list.last_runs).every(id => list.rules.some((r: Json) => r.id === id)), 'runs of listed rules only')
  t.same((await call(stack, 'GET', '/v1/watch-rules', KEYS.bRead)).body.last_runs, {})
})

t.test('rules are per tenant, with the version check', async t => {
  const rule = await createRule({ name: 'Mine', interval: '1d', condition: { kind: 'signal', signal: 'impossible-travel' } })
  t.equal((await call(stack, 'GET', `/v1/watch-rules/${rule.id}`, KEYS.bRead)).status, 404, 'another tenant does not see it')
  t.notOk((await call(stack, 'GET', '/v1/watch-rules', KEYS.bRead)).body.rules.some((r: Json) => r.id === rule.id))
  t.equal((await call(stack, 'POST', '/v1/watch-rules', KEYS.aRead, { name: 'x', condition: { kind: 'signal', signal: 'impossible-travel' } })).status, 403, 'read keys list, admins manage')
  const body = { name: 'Renamed', interval: '1d', condition: { kind: 'signal', signal: 'impossible-travel' } }
  t.equal((await call(stack, 'PUT', `/v1/watch-rules/${rule.id}`, admin, body)).status, 400, 'If-Match is required')
  const ok = await call(stack, 'PUT', `/v1/watch-rules/${rule.id}`, admin, body, { 'if-match': `"${rule.version}"` })
  t.equal(ok.status, 200)
  t.equal((await call(stack, 'PUT', `/v1/watch-rules/${rule.id}`, admin, body, { 'if-match': `"${rule.version}"` })).status, 409, 'a stale version')
  t.equal((await call(stack, 'POST', '/v1/watch-rules', admin, { name: 'x', condition: { kind: 'threshold', window: '1h', groupBy: 'message', bound: { value: 1 } } })).status, 400)
  t.equal((await call(stack, 'DELETE', `/v1/watch-rules/${rule.id}`, admin)).status, 204)
})

t.test('a stopping worker does not wait out a run: a run waiting for the lock is skipped, one in progress stops and frees the lock', async t => {
  const rule = await createRule({ name: 'Stopped by the worker', severity: 'low', interval: '1d', condition: { kind: 'threshold', filters: { action: ['login'] }, window: '1h', groupBy: 'user.id', bound: { op: 'gt', value: 1000 } } })
  const redis = createRedis(stack.config.redis, 'producer')
  await connectRedis(redis, stack.config.redis)
  t.teardown(() => { redis.disconnect() })
  const locks = new RuleLocks(redis, stack.config.queuePrefix)
  const runner = stack.indexer?.alerting.runner
  if (runner === undefined) throw new Error('the stack has no worker')

  // Another run holds the lock: without a stop, this run would wait for it up to 30 s.
  const held = await until('the rule\'s lock', async () => await locks.acquire(rule.id as string))
  const stop = new AbortController()
  const t0 = Date.now()
  const waiting = runner.run({ ruleId: rule.id, tenant, jobId: 'stop-1', attempt: 1, willRetry: false, signal: stop.signal })
  setTimeout(() => { stop.abort() }, 300)
  t.match(await waiting, { status: 'skipped', reason: /worker stopped/ })
  t.ok(Date.now() - t0 < 5000, `skipped ${Date.now() - t0} ms after it began`)
  await locks.release(rule.id as string, held)

  // A run told to stop before it raises anything fails (the queue retries it) and frees the lock at once.
  const stopped = new AbortController()
  stopped.abort()
  await t.rejects(runner.run({ ruleId: rule.id, tenant, jobId: 'stop-2', attempt: 1, willRetry: true, signal: stopped.signal }), /worker stopped/)
  const runs = (await call(stack, 'GET', `/v1/watch-rules/${rule.id as string}/runs`, KEYS.aRead)).body.runs as Json[]
  t.match(runs.find(r => r.job_id === 'stop-2'), { status: 'failed', will_retry: true, reason: /worker stopped/ })
  const again = await locks.acquire(rule.id as string)
  t.ok(again !== undefined, 'the lock is free for the next run')
  if (again !== undefined) await locks.release(rule.id as string, again)
})

t.test('a run stopped by the groups bound is gone on from: the groups after its stop by the next run, then the earlier groups\' newer events', async t => {
  const rule = await createRule({ name: 'Busy bettors', interval: '1d', lookBack: '1s', condition: { kind: 'threshold', filters: { action: ['bet'] }, window: '1h', groupBy: 'user.id', bound: { op: 'gt', value: 2 } } })
  const pad = (i: number): string => String(i).padStart(5, '0')
  // One bet for as many users as a run examines, then three bets for each of five users after them in key order.
  const single = Array.from({ length: RUN_LIMITS.groups }, (_v, i) => ({ id: `gb-${pad(i)}`, user: `gb-a-${pad(i)}`, at: now - H, action: 'bet' }))
  const busy = [0, 1, 2, 3, 4].flatMap(u => [0, 1, 2].map(k => ({ id: `gb-z-${u}-${k}`, user: `gb-z-${u}`, at: now - H + k * M, action: 'bet' })))
  const all = [...single, ...busy]
  for (let i = 0; i < all.length; i += 1000) await put(all.slice(i, i + 1000))
  await sleep(1100) // past the look-back: the third run does not read these again

  const first = await runRule(stack, rule.id, tenant)
  t.match(first, { status: 'succeeded', truncated: true, groups: RUN_LIMITS.groups, raised: 0, resume: { after: [`gb-a-${pad(RUN_LIMITS.groups - 1)}`], through: first.until } })
  // Where it stopped names a group: not to a reader of masked data, in the run log or the rules list.
  const masked = (await call(stack, 'GET', `/v1/watch-rules/${rule.id as string}/runs?size=1`, KEYS.aMasked)).body.runs[0]
  t.match(masked, { id: first.id, truncated: true, resume: { after: [], through: first.until } })
  t.same((await call(stack, 'GET', '/v1/watch-rules', KEYS.aMasked)).body.last_runs[rule.id].resume.after, [])
  t.same((await call(stack, 'GET', '/v1/watch-rules', KEYS.aRead)).body.last_runs[rule.id].resume.after, first.resume.after, 'a clear reader is told')
  // A user before the stop bets three more times: the next run does not look back at it, the one after does.
  await put([0, 1, 2].map(k => ({ id: `gb-late-${k}`, user: 'gb-a-00000', at: now - H + (k + 1) * M, action: 'bet' })))
  const second = await runRule(stack, rule.id, tenant)
  t.match(second, { status: 'succeeded', truncated: false, groups: 5, raised: 5, resume: null, examined_to: first.until })
  const third = await runRule(stack, rule.id, tenant)
  t.match(third, { status: 'succeeded', truncated: false, groups: 1, raised: 1, examined_to: third.until })
  t.same((await alertsOf(rule.id)).map(a => a.group).sort(), ['gb-a-00000', ...busy.filter((_e, k) => k % 3 === 0).map(e => e.user)])
})

t.test('a signal rule with more findings than a run keeps or raises gives every user its alert over the next runs', async t => {
  const rule = await createRule({ name: 'Changed then withdrew', interval: '1d', lookBack: '1s', condition: { kind: 'signal', signal: 'change-then-withdraw', params: { window: '1h' } } })
  const pad = (i: number): string => String(i).padStart(5, '0')
  // More users than a detector keeps findings for, each with a change then a withdrawal.
  const users = Array.from({ length: RUN_LIMITS.signals + 50 }, (_v, i) => `sb-${pad(i)}`)
  const all = users.flatMap((user, i) => [
    { id: `sb-c-${i}`, user, at: now - 2 * H, action: 'email_changed' },
    { id: `sb-w-${i}`, user, at: now - 2 * H + 10 * M, action: 'withdrawal', amount: 100 }
  ])
  for (let i = 0; i < all.length; i += 1000) await put(all.slice(i, i + 1000))
  await sleep(1100) // past the look-back

  const first = await runRule(stack, rule.id, tenant)
  t.match(first, { status: 'succeeded', truncated: true, groups: users.length, findings: users.length, raised: RUN_LIMITS.alerts, resume: { after: [users[RUN_LIMITS.alerts - 1]] } })
  // The second run on a worker whose clock is an hour behind: it is still the run the third goes on from.
  const runner = stack.indexer?.alerting.runner as unknown as { deps: RunnerDeps }
  const behind = new RuleRunner({ ...runner.deps, clock: { now: () => Date.now() - H } })
  const second = await behind.run({ ruleId: rule.id, tenant, jobId: 'test-behind', attempt: 1, willRetry: false })
  t.match(second, { status: 'succeeded', truncated: true, raised: RUN_LIMITS.alerts, resume: { after: [users[2 * RUN_LIMITS.alerts - 1]] }, until: first.until, sequence: first.sequence + 1 })
  t.ok(Date.parse(second.started_at) < Date.parse(first.started_at), 'logged as started before the first')
  const third = await runRule(stack, rule.id, tenant)
  t.match(third, { status: 'succeeded', truncated: false, groups: users.length - 2 * RUN_LIMITS.alerts, raised: users.length - 2 * RUN_LIMITS.alerts, resume: null, sequence: (second.sequence ?? 0) + 1 }, 'after the second run\'s stop, not the first\'s again')
  t.match(await runRule(stack, rule.id, tenant), { raised: 0, merged: 0 }, 'nothing twice')
  t.equal((await call(stack, 'GET', `/v1/alerts?ruleId=${rule.id as string}&size=1`, KEYS.aRead)).body.total, users.length, 'one alert per user')
})
