import { t } from '../helpers/file-test.ts'
import { KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { call, M, plant, runRule, until, type Json } from '../helpers/watch.ts'

let stack: Stack
const now = Date.now()
let rule: Json

t.before(async () => {
  stack = await startStack(t)
  rule = (await call(stack, 'POST', '/v1/watch-rules', KEYS.aAdmin, { name: 'Failed sign-ins by address', interval: '1d', condition: { kind: 'threshold', filters: { action: ['login_failed'] }, window: '10m', groupBy: 'source.ip', bound: { op: 'gte', value: 3 } } })).body
  await until('first run', async () => (await call(stack, 'GET', `/v1/watch-rules/${rule.id as string}/runs`, KEYS.aRead)).body.runs.length > 0 ? true : undefined)
})

const burst = (n: number, from: number): Array<{ id: string, user: string, at: number, action: string, outcome: string, ip: string }> =>
  [0, 1, 2].map(k => ({ id: `al-${n}-${k}`, user: `al-u${k}`, at: from + k * M, action: 'login_failed', outcome: 'failure', ip: '8.8.8.8' }))

t.test('status changes: acknowledged, then closed, with notes, audited; a closed alert stays closed', async t => {
  await plant(stack, KEYS.aIngest, burst(1, now - 40 * M), 3)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 1 })
  const [alert] = (await call(stack, 'GET', '/v1/alerts?status=open', KEYS.aRead)).body.alerts as Json[]
  t.match(alert, { group: '8.8.8.8', group_field: 'source.ip', status: 'open', history: [] })
  const id = alert?.id as string

  const masked = (await call(stack, 'GET', `/v1/alerts/${id}`, KEYS.aMasked)).body
  t.equal(masked.group, '8.8.8.x', 'a personal group is masked for masked readers')
  t.ok(masked.title.includes('8.8.8.x') && !masked.title.includes('8.8.8.8'), `and so is the title quoting it (${masked.title as string})`)
  t.equal(masked.dedup_key, `${rule.id as string}|8.8.8.x`, 'and the deduplication key naming it')
  t.notOk(JSON.stringify(masked).includes('8.8.8.8'), 'the clear address appears nowhere in the alert')
  const byGroup = async (key: string, group: string): Promise<number> => (await call(stack, 'GET', `/v1/alerts?group=${group}`, key)).body.total as number
  t.equal(await byGroup(KEYS.aRead, '8.8.8.8'), 1, 'a clear reader filters by group')
  t.equal(await byGroup(KEYS.aMasked, '8.8.8.8'), 0, 'a masked reader cannot confirm a guessed address with the group filter')
  t.equal(await byGroup(KEYS.aMasked, '8.8.8.x'), 0, 'nor find it by its masked form, which no alert stores')
  t.equal((await call(stack, 'GET', `/v1/alerts/${id}`, KEYS.bRead)).status, 404, 'another tenant does not see it')
  const local = await call(stack, 'POST', '/v1/webhooks', KEYS.aAdmin, { name: 'engine', url: 'http://127.0.0.1:9200/x/_doc/1' })
  t.equal(local.status, 400, 'a webhook towards a service on the worker\'s own host is refused where loopback is not allowed')
  t.match(local.body.errors, [{ path: '/url', message: /loopback receivers are not allowed/ }])
  t.equal((await call(stack, 'POST', `/v1/alerts/${id}/status`, KEYS.bRead, { status: 'closed', note: 'x' })).status, 404)
  t.equal((await call(stack, 'POST', `/v1/alerts/${id}/status`, KEYS.aRead, { status: 'closed' })).status, 400, 'a note is required')

  const ack = await call(stack, 'POST', `/v1/alerts/${id}/status`, KEYS.aRead, { status: 'acknowledged', note: 'Looking into it' })
  t.equal(ack.status, 200)
  t.match(ack.body, { status: 'acknowledged', history: [{ from: 'open', to: 'acknowledged', note: 'Looking into it', by: /./ }] })
  const closed = await call(stack, 'POST', `/v1/alerts/${id}/status`, KEYS.aRead, { status: 'closed', note: 'Bot traffic from a known scanner' })
  t.match(closed.body, { status: 'closed', history: [{ to: 'acknowledged' }, { from: 'acknowledged', to: 'closed', note: 'Bot traffic from a known scanner' }] })
  const again = await call(stack, 'POST', `/v1/alerts/${id}/status`, KEYS.aRead, { status: 'acknowledged', note: 'reopen?' })
  t.equal(again.status, 409)
  t.match(again.body.message, /closed/)

  const log = (await call(stack, 'GET', '/v1/access-log?size=200', KEYS.aAdmin)).body.entries as Json[]
  const changes = log.filter(e => e.action === 'alert.status_changed' && e.status === 200)
  t.equal(changes.length, 2, 'each change is in the access log as an audited action')
  t.match(changes.find(e => e.request.includes('Bot traffic')), { method: 'POST', route: '/v1/alerts/:id/status', params: { id }, tenant: 'brand-a' })
  t.ok(log.some(e => e.action === 'watch_rule.created'), 'rule changes are audited actions too')
  // A compliance reader lists the changes alone, or one kind of change.
  const changed = (await call(stack, 'GET', '/v1/access-log?changes=true&size=200', KEYS.aAdmin)).body.entries as Json[]
  t.ok(changed.length >= 3 && changed.every(e => typeof e.action === 'string'), 'changes only')
  t.ok(log.some(e => e.action === undefined) && changed.length < log.length, 'the reads are left out')
  t.same((await call(stack, 'GET', '/v1/access-log?action=alert.status_changed&size=200', KEYS.aAdmin)).body.entries.map((e: Json) => e.status).sort(), [200, 200, 400, 409], 'one action, refused attempts included')
  t.match((await call(stack, 'GET', '/v1/access-log?action=alert', KEYS.aAdmin)).body, { statusCode: 400, errors: [{ path: '/querystring/action' }] })

  // Closed: the same address bursting again raises a new alert.
  await plant(stack, KEYS.aIngest, burst(2, now - 20 * M), 6)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 1 })
  const list = (await call(stack, 'GET', `/v1/alerts?ruleId=${rule.id as string}`, KEYS.aRead)).body
  t.same(list.alerts.map((a: Json) => a.status), ['open', 'closed'], 'newest first')
  t.equal(list.total, 2)
})

t.test('the cool-down holds back a new alert for the same group', async t => {
  const put = await call(stack, 'PUT', `/v1/watch-rules/${rule.id as string}`, KEYS.aAdmin, { name: rule.name, interval: '1d', cooldown: '1h', condition: rule.condition }, { 'if-match': `"${rule.version as string}"` })
  t.equal(put.status, 200)
  const [open] = (await call(stack, 'GET', `/v1/alerts?ruleId=${rule.id as string}&status=open`, KEYS.aRead)).body.alerts as Json[]
  await call(stack, 'POST', `/v1/alerts/${open?.id as string}/status`, KEYS.aRead, { status: 'closed', note: 'done' })
  await plant(stack, KEYS.aIngest, burst(3, now - 5 * M), 9)
  t.match(await runRule(stack, rule.id, 'brand-a'), { raised: 0, cooling_down: 1 })
})

t.test('listing: filters and pages', async t => {
  const page = await call(stack, 'GET', '/v1/alerts?size=1', KEYS.aRead)
  t.equal(page.body.alerts.length, 1)
  t.type(page.body.next, 'string')
  const next = await call(stack, 'GET', `/v1/alerts?size=1&after=${page.body.next as string}`, KEYS.aRead)
  t.not(next.body.alerts[0].id, page.body.alerts[0].id)
  t.equal((await call(stack, 'GET', '/v1/alerts?after=nonsense', KEYS.aRead)).status, 400)
  t.same((await call(stack, 'GET', '/v1/alerts?status=acknowledged', KEYS.aRead)).body.alerts, [])
  t.equal((await call(stack, 'GET', '/v1/alerts?severity=critical', KEYS.aRead)).body.total, 0)
  t.same((await call(stack, 'GET', '/v1/alerts', KEYS.bRead)).body.alerts, [], 'per tenant')
})

t.test('every operation that changes something names the action its access record carries', async t => {
  const doc = (await stack.api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Json>> }
  // Changes made with a read key: saved searches are each reader's own, and alert statuses are a reader's work.
  const readChanges = new Set(['/v1/saved-searches', '/v1/saved-searches/kibana', '/v1/alerts/{id}/status'])
  const unnamed: string[] = []
  let named = 0
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const changes = ['put', 'patch', 'delete'].includes(method) || (method === 'post' && (op['x-required-scope'] === 'admin' || readChanges.has(path)))
      if (op['x-audit-action'] !== undefined) named++
      else if (changes) unnamed.push(`${method.toUpperCase()} ${path}`)
    }
  }
  t.same(unnamed, [], 'no change without its action')
  t.ok(named >= 20, `${named} operations name their action`)
})

t.test('a platform key\'s changes to a tenant\'s objects are in that tenant\'s access log, and no other\'s', async t => {
  const made = (await call(stack, 'POST', '/v1/api-keys', KEYS.admin, { name: 'a reader', scopes: ['read'], tenant: 'brand-a' })).body
  const other = (await call(stack, 'POST', '/v1/api-keys', KEYS.admin, { name: 'b reader', scopes: ['read'], tenant: 'brand-b' })).body
  const rotated = (await call(stack, 'POST', `/v1/api-keys/${made.info.key_id as string}/rotate`, KEYS.admin)).body
  t.equal((await call(stack, 'DELETE', `/v1/api-keys/${rotated.info.key_id as string}`, KEYS.admin)).status, 200)
  t.equal((await call(stack, 'POST', `/v1/api-keys/${made.info.key_id as string}/rotate`, KEYS.admin)).status, 403, 'a revoked key is not rotated')

  const aLog = (await call(stack, 'GET', '/v1/access-log?changes=true&size=200', KEYS.aAdmin)).body.entries as Json[]
  const byPlatform = aLog.filter(e => e.tenant === null)
  t.same(byPlatform.map(e => `${e.action as string} ${e.status as number}`).sort(), ['api_key.created 201', 'api_key.revoked 200', 'api_key.rotated 201', 'api_key.rotated 403'], 'brand-a sees the platform\'s three changes to its objects and the refused one')
  t.ok(byPlatform.every(e => JSON.stringify(e.target_tenants) === '["brand-a"]'), 'each naming brand-a as the tenant touched')
  t.notOk(JSON.stringify(aLog).includes('b reader'), 'the platform\'s change to brand-b is not in brand-a\'s log')
  const aAll = (await call(stack, 'GET', '/v1/access-log?size=1000', KEYS.aAdmin)).body.entries as Json[]
  t.ok(aAll.some(e => e.action === undefined), 'brand-a\'s own reads are listed')
  t.notOk(aAll.some(e => e.tenant === null && e.action === undefined), 'the platform\'s reads are not')

  const platformLog = (await call(stack, 'GET', '/v1/access-log?action=api_key.created&size=200', KEYS.admin)).body.entries as Json[]
  t.ok(platformLog.some(e => e.request?.includes('b reader') && JSON.stringify(e.target_tenants) === '["brand-b"]'), 'the platform\'s log says which tenant each change touched')
  t.equal(other.info.tenant, 'brand-b')
  t.ok(aLog.filter(e => e.tenant === 'brand-a').every(e => e.target_tenants === undefined), 'a tenant key\'s own changes name no target')
})
