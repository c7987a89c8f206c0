import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents, type Seeded } from '../helpers/seed.ts'

const N = 600
const base = Date.now() - 60_000
const seeded = seedEvents('srch', N, base)

let stack: Stack
t.before(async () => {
  stack = await startStack(t)
  for (let i = 0; i < N; i += 200) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: seeded.slice(i, i + 200).map(s => s.body) } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
  if (await stack.waitForCount(N) !== N) throw new Error('seed not indexed')
})

interface Page { total: number, events: Array<{ id: string, event: Record<string, unknown>, highlight?: Record<string, string[]> }>, cursor: string | null }

async function search (body: object, key = KEYS.read): Promise<Page> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(key), payload: body })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}

/** Walks every page and returns the ids in order. */
async function walk (body: Record<string, unknown>, size = 1000): Promise<string[]> {
  const ids: string[] = []
  let page = await search({ ...body, size })
  ids.push(...page.events.map(e => e.id))
  while (page.cursor !== null) {
    page = await search({ cursor: page.cursor })
    ids.push(...page.events.map(e => e.id))
  }
  return ids
}

const idsWhere = (pred: (s: Seeded) => boolean): string[] => seeded.filter(pred).map(s => s.id).sort()
const sorted = (ids: string[]): string[] => [...ids].sort()
const DAY = 86_400_000

t.test('each filter returns exactly the events it should', async t => {
  const cases: Array<[string, object, (s: Seeded) => boolean]> = [
    ['category', { category: ['money'] }, s => s.category === 'money'],
    ['one action', { action: ['login'] }, s => s.action === 'login'],
    ['many actions', { action: ['deposit', 'withdrawal', 'vip_tier_reviewed'] }, s => ['deposit', 'withdrawal', 'vip_tier_reviewed'].includes(s.action)],
    ['custom category', { category: ['custom'] }, s => s.category === 'custom'],
    ['absolute period', { period: { from: new Date(base - 5 * DAY).toISOString(), to: new Date(base - 2 * DAY).toISOString() } }, s => s.time >= base - 5 * DAY && s.time <= base - 2 * DAY],
    ['date math period', { period: { from: 'now-7d', to: 'now' } }, s => s.time >= Date.now() - 7 * DAY],
    ['exact IPv4', { ip: ['81.2.69.142'] }, s => s.ip === '81.2.69.142'],
    ['IPv4 CIDR', { ip: ['10.0.0.0/8'] }, s => s.ip.startsWith('10.')],
    ['IPv6 CIDR', { ip: ['2a01:e0a::/32'] }, s => s.ip.startsWith('2a01:e0a:')],
    ['two blocks', { ip: ['10.0.0.0/8', '88.198.0.0/16'] }, s => s.ip.startsWith('10.') || s.ip.startsWith('88.198.')],
    ['session', { sessionId: ['s-7'] }, s => s.session === 's-7'],
    ['user', { userId: ['u-3', 'u-4'] }, s => s.user === 'u-3' || s.user === 'u-4'],
    ['operator', { operatorId: ['op-1'] }, s => s.operator === 'op-1'],
    ['actor type', { actorType: ['operator'] }, s => s.operator !== undefined],
    ['outcome', { outcome: ['failure'] }, s => s.outcome === 'failure'],
    ['importance level', { importance: { levels: ['critical'] } }, s => s.level === 'critical'],
    ['minimum importance', { importance: { min: 'high' } }, s => s.level === 'high' || s.level === 'critical'],
    ['country', { country: ['FR', 'DE'] }, s => s.country === 'FR' || s.country === 'DE'],
    ['device type', { deviceType: ['mobile', 'tablet'] }, s => s.device === 'mobile' || s.device === 'tablet'],
    ['browser', { browser: ['Firefox'] }, s => s.browser === 'Firefox'],
    ['os', { os: ['iOS'] }, s => s.os === 'iOS'],
    ['amount range', { amount: { gte: 100, lte: 1500 } }, s => s.amount !== undefined && s.amount >= 100 && s.amount <= 1500],
    ['currency', { currency: ['USD'] }, s => s.currency === 'USD'],
    ['free text', { text: 'jackpot' }, s => s.message.includes('jackpot')],
    ['free text, two words', { text: 'refund case' }, s => s.message.includes('refund')],
    ['combined', { category: ['money'], country: ['FR'], amount: { gte: 500 } }, s => s.category === 'money' && s.country === 'FR' && (s.amount ?? -1) >= 500]
  ]
  for (const [name, filters, pred] of cases) {
    const expected = idsWhere(pred)
    t.ok(expected.length > 0 && expected.length < N, `${name}: the seed makes it meaningful (${expected.length})`)
    t.same(sorted(await walk({ filters })), expected, name)
  }
})

t.test('periods with a time zone round in that zone', async t => {
  // Asia/Kolkata has no daylight saving: midnight there is 18:30 UTC the day before.
  const zone = 5.5 * 3600_000
  const dayStart = (ms: number): number => Math.floor((ms + zone) / DAY) * DAY - zone
  const now = Date.now()
  const from = dayStart(now - 7 * DAY)
  const ids = await walk({ filters: { period: { from: 'now-7d/d', timeZone: 'Asia/Kolkata' } } })
  t.same(sorted(ids), idsWhere(s => s.time >= from))
  const day = new Date(now - 3 * DAY + zone).toISOString().slice(0, 10)
  const start = Date.parse(`${day}T00:00:00+05:30`)
  const one = await walk({ filters: { period: { from: day, to: `${day}||/d`, timeZone: 'Asia/Kolkata' } } })
  t.same(sorted(one), idsWhere(s => s.time >= start && s.time < start + DAY), 'one local day')
})

t.test('KQL constructs', async t => {
  const cases: Array<[string, (s: Seeded) => boolean]> = [
    ['event.action:login and not event.outcome:success', s => s.action === 'login' && s.outcome !== 'success'],
    ['source.geo.country_iso_code:(FR or BE)', s => s.country === 'FR'],
    ['audit.money.amount >= 1000', s => (s.amount ?? -1) >= 1000],
    ['audit.money.amount > 100 and audit.money.amount <= 200', s => s.amount !== undefined && s.amount > 100 && s.amount <= 200],
    ['event.action:bet_*', s => s.action.startsWith('bet_')],
    ['event.action:*_changed', s => s.action.endsWith('_changed')],
    ['message:"refund case"', s => s.message.includes('refund case')],
    ['jackpot', s => s.message.includes('jackpot')],
    ['(event.action:deposit or event.action:withdrawal) and (source.geo.country_iso_code:FR or audit.money.currency:USD)', s => (s.action === 'deposit' || s.action === 'withdrawal') && (s.country === 'FR' || s.currency === 'USD')],
    ['audit.money.amount:*', s => s.amount !== undefined],
    ['not source.geo.country_iso_code:*', s => s.country === undefined],
    ['source.ip:10.0.0.0/8 or source.ip:"2a01:e0a::/32"', s => s.ip.startsWith('10.') || s.ip.startsWith('2a01:e0a:')],
    ['audit.importance.level >= high', s => s.level === 'high' || s.level === 'critical'],
    ['audit.actor.id:op-2 and audit.actor.type:operator', s => s.operator === 'op-2'],
    ['user.id:(u-1 or u-2) and not event.action:(login or logout)', s => (s.user === 'u-1' || s.user === 'u-2') && s.action !== 'login'],
    ['audit.details.channel:app and audit.category:money', s => s.category === 'money' && Number(s.id.split('-')[1]) % 2 === 1],
    [`@timestamp >= "${new Date(base - 2 * DAY).toISOString()}"`, s => s.time >= base - 2 * DAY]
  ]
  for (const [query, pred] of cases) {
    const expected = idsWhere(pred)
    t.ok(expected.length > 0, `${query}: non-empty (${expected.length})`)
    t.same(sorted(await walk({ query })), expected, query)
  }
  t.same(sorted(await walk({ query: 'event.action:deposit', filters: { currency: ['EUR'] } })), idsWhere(s => s.action === 'deposit' && s.currency === 'EUR'), 'KQL and filters combine')
})

t.test('malformed searches get a precise 400, never a 500', async t => {
  const bad: Array<[object, string, number?]> = [
    [{ query: 'event.action:(login or' }, '/query'],
    [{ query: 'nosuchfield:1' }, '/query', 0],
    [{ query: 'user.id:*123' }, '/query'],
    [{ query: 'source.ip:999.1.1.1' }, '/query'],
    [{ query: 'audit.money.amount >= lots' }, '/query'],
    [{ query: 'event.action:login and' }, '/query'],
    [{ query: '"unterminated' }, '/query'],
    [{ filters: { ip: ['10.0.0.0/99'] } }, '/filters/ip/0'],
    [{ filters: { period: { from: 'yesterday' } } }, '/filters/period/from'],
    [{ filters: { period: { from: 'now-1d', timeZone: 'Mars/Olympus' } } }, '/filters/period/timeZone'],
    [{ filters: { category: ['nope'] } }, '/filters/category/0'],
    [{ filters: { unknown: 1 } }, '/filters/unknown'],
    [{ sort: [{ field: 'message' }] }, '/sort/0/field'],
    [{ fields: ['not.a.field'] }, '/fields/0'],
    [{ size: 5000 }, '/size'],
    [{ cursor: 'forged.cursor' }, '/cursor'],
    [{ cursor: 'x.y', size: 3 }, '/size']
  ]
  for (const [body, path, position] of bad) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.read), payload: body })
    t.equal(res.statusCode, 400, `${JSON.stringify(body)} → 400`)
    const err = res.json().errors?.[0]
    t.equal(err?.path, path, `${JSON.stringify(body)} points at ${path}: ${err?.message}`)
    if (path === '/query') t.type(err?.position, 'number', 'with a position')
    if (position !== undefined) t.equal(err?.position, position)
  }
})

t.test('sorting: time, importance, amount, with stable ties', async t => {
  const byTime = await walk({ sort: [{ field: 'time', order: 'asc' }] })
  t.same(byTime, [...seeded].sort((a, b) => a.time - b.time).map(s => s.id), 'time ascending')
  const newest = await search({ size: 5 })
  t.same(newest.events.map(e => e.id), seeded.slice(0, 5).map(s => s.id), 'default: newest first')
  const rank: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 }
  const byImportance = await walk({ sort: [{ field: 'importance', order: 'desc' }] }, 50)
  const levels = byImportance.map(id => rank[seeded.find(s => s.id === id)?.level ?? 'low'] as number)
  t.same(levels, [...levels].sort((a, b) => b - a), 'importance descending')
  t.equal(new Set(byImportance).size, N, 'every event once across pages despite many ties')
  const byAmount = await walk({ filters: { category: ['money'] }, sort: [{ field: 'amount', order: 'asc' }, { field: 'time', order: 'desc' }] })
  const amounts = byAmount.map(id => seeded.find(s => s.id === id)?.amount as number)
  t.same(amounts, [...amounts].sort((a, b) => a - b))
})

t.test('pagination over a point in time: every event exactly once while new events arrive', async t => {
  const seen: string[] = []
  let page = await search({ size: 37, filters: { category: ['authentication', 'money', 'gaming', 'profile', 'ui', 'custom'] } })
  t.equal(page.total, N)
  seen.push(...page.events.map(e => e.id))
  let extra = 0
  while (page.cursor !== null) {
    // New events, newer and older than the cursor position, keep arriving during the walk.
    const more = seedEvents(`late${extra++}`, 3, base - 3 * DAY).map(s => s.body)
    await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: more } })
    page = await search({ cursor: page.cursor })
    t.equal(page.total, N, 'the total is the one of the first page')
    seen.push(...page.events.map(e => e.id))
  }
  t.equal(seen.length, N)
  t.same(sorted(seen), sorted(seeded.map(s => s.id)), 'each seeded event exactly once, none of the late ones')
  await stack.waitForCount(N + extra * 3)
  t.ok(extra > 10, `${extra} batches arrived during the walk`)
})

t.test('a long search pages on: its cursor stays within what the routes accept', async t => {
  // 100 user ids, most of 128 characters: the request alone is 12 KB, and the cursor carries it.
  const users = [...new Set(seeded.map(s => s.user))]
  const userId = [...users, ...Array.from({ length: 100 - users.length }, (_, i) => `${i}-`.padEnd(128, 'u'))]
  const first = await search({ size: 1, filters: { userId } })
  t.ok(first.total > 1 && first.cursor !== null, `${first.total} events, a cursor of ${first.cursor?.length ?? 0} characters`)
  const next = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.read), payload: { cursor: first.cursor } })
  t.equal(next.statusCode, 200, next.body)
  const get = await stack.api.app.inject({ method: 'GET', url: `/v1/events?cursor=${first.cursor as string}`, headers: auth(KEYS.read) })
  t.equal(get.statusCode, 200, 'the GET form takes it too')
})

t.test('projection, highlight, single event, timeline, session, GET form', async t => {
  const projected = await search({ filters: { userId: ['u-1'] }, fields: ['event.action', 'source.geo'], size: 3 })
  t.same(Object.keys(projected.events[0]?.event ?? {}).sort(), ['@timestamp', 'event', 'source'])
  t.same(Object.keys(projected.events[0]?.event.source as object), ['geo'])

  const hl = await search({ filters: { text: 'jackpot' }, highlight: true, size: 1 })
  t.match(hl.events[0]?.highlight?.message?.[0], /<mark>jackpot<\/mark>/)

  const one = await stack.api.app.inject({ method: 'GET', url: '/v1/events/srch-8', headers: auth(KEYS.read) })
  t.equal(one.statusCode, 200)
  t.match(one.json(), { event: { id: 'srch-8', action: 'role_changed' }, audit: { importance: { level: 'critical' }, actor: { id: 'op-2' } } })
  t.equal((await stack.api.app.inject({ method: 'GET', url: '/v1/events/none-such', headers: auth(KEYS.read) })).statusCode, 404)

  const timeline = await stack.api.app.inject({ method: 'GET', url: '/v1/users/u-5/timeline?size=1000&action=deposit,withdrawal', headers: auth(KEYS.read) })
  t.equal(timeline.statusCode, 200, timeline.body)
  t.same(timeline.json().events.map((e: { id: string }) => e.id), seeded.filter(s => s.user === 'u-5' && ['deposit', 'withdrawal'].includes(s.action)).map(s => s.id), 'newest first')

  const session = await stack.api.app.inject({ method: 'GET', url: '/v1/sessions/s-3/events?size=1000', headers: auth(KEYS.read) })
  t.same(session.json().events.map((e: { id: string }) => e.id), seeded.filter(s => s.session === 's-3').sort((a, b) => a.time - b.time).map(s => s.id), 'session in order')

  const get = await stack.api.app.inject({ method: 'GET', url: `/v1/events?q=${encodeURIComponent('event.outcome:failure')}&country=GB,US&minLevel=medium&size=1000&sort=-time`, headers: auth(KEYS.read) })
  t.equal(get.statusCode, 200, get.body)
  t.same(sorted(get.json().events.map((e: { id: string }) => e.id)), idsWhere(s => s.outcome === 'failure' && (s.country === 'GB' || s.country === 'US')))

  const badGet = await stack.api.app.inject({ method: 'GET', url: '/v1/events?category=nope', headers: auth(KEYS.read) })
  t.equal(badGet.statusCode, 400)
  t.match(badGet.json().errors, [{ path: '/filters/category/0' }])
})

t.test('search needs the read scope', async t => {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events/search', headers: auth(KEYS.ingest), payload: {} })
  t.equal(res.statusCode, 403)
  t.equal((await stack.api.app.inject({ method: 'GET', url: '/v1/events' })).statusCode, 401)
})
