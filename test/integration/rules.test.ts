import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { composeApi, type Api } from '../../src/compose/api.ts'
import { DEFAULT_IMPORTANCE_RULES, type ImportanceRule } from '../../src/events/importance-rules.ts'

let stack: Stack
let other: Api
t.before(async () => {
  stack = await startStack(t)
  // A second API process on the same store: it must follow changes made through the first.
  other = await composeApi(stack.config, stack.es)
  t.teardown(async () => { await other.close() })
})

const rules = async (method: 'GET' | 'PUT', key: string | undefined, payload?: object) => await stack.api.app.inject({ method, url: '/v1/importance-rules', ...(key === undefined ? {} : { headers: auth(key) }), ...(payload === undefined ? {} : { payload }) })
const login = (id: string) => ({ event: { id, action: 'login', outcome: 'success' }, user: { id: 'u-r' } })
async function ingest (api: Api, id: string): Promise<void> {
  const res = await api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: login(id) })
  if (res.statusCode !== 202) throw new Error(res.body)
}
async function importanceOf (id: string): Promise<unknown> {
  for (let i = 0; i < 100; i++) {
    const res = await stack.api.app.inject({ method: 'GET', url: `/v1/events/${id}`, headers: auth(KEYS.read) })
    if (res.statusCode === 200) return res.json().audit.importance
    await sleep(100)
  }
  throw new Error(`${id} never indexed`)
}

const watch: ImportanceRule = { id: 'login-watch', level: 'critical', score: 99, why: 'Sign-ins are under review during an incident.', when: { actions: ['login'], outcomes: ['success'] } }

t.test('the table, its changes and the events rated with it', async t => {
  const first = await rules('GET', KEYS.read)
  t.equal(first.statusCode, 200)
  t.same(first.json(), { version: 0, updatedAt: null, updatedBy: null, rules: DEFAULT_IMPORTANCE_RULES }, 'the built-in table until a change')

  await ingest(stack.api, 'before-change')
  t.same(await importanceOf('before-change'), { level: 'low', score: 20, rule: 'authentication' })

  const put = await rules('PUT', KEYS.admin, { version: 0, rules: [watch, ...DEFAULT_IMPORTANCE_RULES] })
  t.equal(put.statusCode, 200, put.body)
  t.match(put.json(), { version: 1, updatedBy: /^config-/, rules: [watch] })
  t.ok(Date.parse(put.json().updatedAt) > Date.now() - 60_000)
  t.same((await rules('GET', KEYS.read)).json(), put.json(), 'read back as written')

  await ingest(stack.api, 'after-change')
  t.same(await importanceOf('after-change'), { level: 'critical', score: 99, rule: 'login-watch' }, 'new events use the new table at once in the process that changed it')
  t.same(await importanceOf('before-change'), { level: 'low', score: 20, rule: 'authentication' }, 'stored events keep their level')

  // The other process refreshes from the store every 5 s.
  await sleep(6000)
  await ingest(other, 'other-process')
  t.same(await importanceOf('other-process'), { level: 'critical', score: 99, rule: 'login-watch' }, 'another process follows within seconds')

  const restarted = await composeApi(stack.config, stack.es)
  try {
    await ingest(restarted, 'after-restart')
    t.same(await importanceOf('after-restart'), { level: 'critical', score: 99, rule: 'login-watch' }, 'a process starting later reads the stored table')
  } finally {
    await restarted.close()
  }

  const stale = await rules('PUT', KEYS.admin, { version: 0, rules: DEFAULT_IMPORTANCE_RULES })
  t.equal(stale.statusCode, 409, 'a change from a stale version is refused')
  t.match(stale.json().message, /version 1, not 0/)

  const racing = await Promise.all([1, 2].map(async n => await rules('PUT', KEYS.admin, { version: 1, rules: [{ ...watch, score: 90 + n }] })))
  t.same(racing.map(r => r.statusCode).sort(), [200, 409], 'of two changes from the same version, one wins')
  t.equal((await rules('GET', KEYS.read)).json().version, 2)

  const back = await rules('PUT', KEYS.admin, { version: 2, rules: DEFAULT_IMPORTANCE_RULES })
  t.equal(back.statusCode, 200)
  await ingest(stack.api, 'after-revert')
  t.same(await importanceOf('after-revert'), { level: 'low', score: 20, rule: 'authentication' })
})

t.test('invalid tables are refused with the path, and nothing changes', async t => {
  const { version } = (await rules('GET', KEYS.read)).json()
  const rule = (over: object): object => ({ ...watch, ...over })
  const cases: Array<[object, string]> = [
    [{ version, rules: [rule({}), rule({ score: 10 })] }, '/rules/1/id'],
    [{ version, rules: [rule({ level: 'severe' })] }, '/rules/0/level'],
    [{ version, rules: [rule({ score: 101 })] }, '/rules/0/score'],
    [{ version, rules: [rule({ score: -1 })] }, '/rules/0/score'],
    [{ version, rules: [rule({ when: { actions: ['Log In'] } })] }, '/rules/0/when/actions/0'],
    [{ version, rules: [rule({ when: { categories: ['casino'] } })] }, '/rules/0/when/categories/0'],
    [{ version, rules: [rule({ when: { minAmount: 'lots' } })] }, '/rules/0/when/minAmount'],
    [{ version, rules: [rule({ why: undefined })] }, '/rules/0/why'],
    [{ version, rules: Array.from({ length: 201 }, (_, i) => rule({ id: `r-${i}` })) }, '/rules'],
    [{ rules: [] }, '/version'],
    [{ version, rules: [], extra: true }, '/extra']
  ]
  for (const [body, path] of cases) {
    const res = await rules('PUT', KEYS.admin, body)
    t.equal(res.statusCode, 400, `${path} → 400`)
    t.equal(res.json().errors?.[0]?.path, path, `${path}: ${res.json().errors?.[0]?.message}`)
  }
  t.equal((await rules('GET', KEYS.read)).json().version, version, 'nothing was written')
})

t.test('reading needs read, changing needs a platform admin key', async t => {
  t.equal((await rules('GET', undefined)).statusCode, 401)
  t.equal((await rules('GET', KEYS.ingest)).statusCode, 403)
  t.equal((await rules('GET', KEYS.aRead)).statusCode, 200, 'tenant keys read the shared table')
  const body = { version: 0, rules: [] }
  t.equal((await rules('PUT', undefined, body)).statusCode, 401)
  t.equal((await rules('PUT', KEYS.read, body)).statusCode, 403)
  const tenantAdmin = await rules('PUT', KEYS.aAdmin, body)
  t.equal(tenantAdmin.statusCode, 403, 'a tenant admin cannot change the table every tenant shares')
  t.match(tenantAdmin.json().message, /platform admin/)
})
