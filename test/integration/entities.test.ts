import type { Test } from 'tap'
import { t } from '../helpers/file-test.ts'
import geoip from 'geoip-lite'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { bodyOf, DAY, H, plantedEvents, post, settled, travelEvents, type Ev } from '../helpers/entities-data.ts'
import { EntitiesStore } from '../../src/store/events/entities-store.ts'
import { decideFunnel } from '../../src/analytics/entities/funnel-entities.ts'
import { parseStamp, type EntityDoc } from '../../src/entities/codec.ts'
import { entityId } from '../../src/entities/model.ts'

// The entity store answers what the scan answers, on planted data, through the HTTP API.
const now = Date.now()
const events = plantedEvents(now)
const travel = travelEvents(now)
const others = plantedEvents(now - 3 * DAY).filter((_, i) => i % 5 === 0).map(e => ({ ...e, id: `o-${e.id}` }))
/**
 * Tenant brand-b: il-1's deposits come before and after its sign-in, which the first and last deposit alone
 * cannot settle and the first few do; il-2 deposits four times before signing in and once after, which they
 * cannot settle either; il-3 goes in order.
 */
const at = (user: string, hours: number[], action: string): Ev[] => hours.map(h => ({ id: `${user}-${action}-${h}`, user, time: now - 2 * DAY + h * H, action, outcome: 'success', ip: '81.2.69.142', tenant: 'brand-b' }))
const interleaved = [
  ...at('il-1', [0, 2, 3], 'deposit'), ...at('il-1', [1, 5], 'login'), ...at('il-1', [4, 6], 'bet_placed'),
  ...at('il-2', [0, 1, 2, 3, 5], 'deposit'), ...at('il-2', [4], 'login'), ...at('il-2', [6], 'bet_placed'),
  ...at('il-3', [0], 'login'), ...at('il-3', [1], 'deposit'), ...at('il-3', [2], 'bet_placed')
]
/** Tenant brand-b: lt-1, a user of ten months (no funnel step), active every four days; its document keeps its first 28 weeks' days only. */
const tenure: Ev[] = Array.from({ length: 60 }, (_, i) => ({
  id: `lt-1-${i}`, user: 'lt-1', time: now - 280 * DAY + i * 4 * DAY + (i % 3) * H, action: 'logout', outcome: 'success', ip: '81.2.69.142', tenant: 'brand-b'
}))
let stack: Stack

t.before(async () => {
  stack = await startStack(t)
  await post(stack, [...events, ...travel], KEYS.aIngest)
  // Another tenant with the same user ids, devices and addresses: tenant keys never see it.
  await post(stack, others)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: [...interleaved, ...tenure].map(e => ({ ...bodyOf(e), audit: { tenant: e.tenant } })) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  const total = events.length + travel.length + others.length + interleaved.length + tenure.length
  if (await stack.waitForCount(total) !== total) throw new Error('seed not indexed')
  await settled(stack)
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
type Tap = Test
async function call (url: string, payload: object, key = KEYS.aRead, status = 200): Promise<Json> {
  const res = await stack.api.app.inject({ method: 'POST', url, headers: auth(key), payload })
  if (res.statusCode !== status) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}
/** The same request from both sources; the answers without their bounds. */
async function both (t: Tap, url: string, payload: object, key = KEYS.aRead): Promise<[Json, Json]> {
  const scan = await call(url, { ...payload, source: 'scan' }, key)
  const store = await call(url, { ...payload, source: 'entities' }, key)
  t.equal(scan.bounds?.source ?? scan.source, 'scan')
  t.equal(store.bounds?.source ?? store.source, 'entities')
  const strip = ({ bounds: _b, took_ms: _t, source: _s, ...rest }: Json): Json => rest
  return [strip(scan), strip(store)]
}

t.test('funnels: the same users, conversions and exact medians', async t => {
  const cases = [
    { steps: [['login'], ['deposit'], ['bet_placed']], window: '7d' },
    { steps: [['login'], ['deposit'], ['bet_placed']], window: '3h' },
    { steps: [['registration', 'login'], ['deposit', 'withdrawal'], ['bet_placed']], window: '30d' },
    { steps: [['login'], ['login'], ['login']], window: '14d' },
    { steps: [['deposit'], ['login'], ['deposit'], ['withdrawal']], window: '60d' }
  ]
  for (const c of cases) {
    const [scan, store] = await both(t, '/v1/behaviour/funnel', c)
    t.ok(scan.steps[1].users > 0, `${JSON.stringify(c.steps)} ${c.window}: ${scan.steps.map((s: Json) => s.users).join(' → ')}`)
    t.same(store, scan)
  }
})

t.test('funnels: a step action before and after the previous step is settled from its first occurrences', async t => {
  const steps = [['login'], ['deposit'], ['bet_placed']]
  const [scan, store] = await both(t, '/v1/behaviour/funnel', { steps }, KEYS.bRead)
  t.same(scan.steps.map((s: Json) => s.users), [3, 3, 3])
  t.same(store, scan)
  // The walk reads the three users; only il-2's events are scanned, not il-1's.
  const bounds = (await call('/v1/behaviour/funnel', { steps, source: 'entities' }, KEYS.bRead)).bounds
  t.equal(bounds.scanned, 3 + interleaved.filter(e => e.user === 'il-2').length, 'three entities and il-2\'s 7 events')
  const [doc] = await new EntitiesStore(stack.es, stack.config.indexPrefix).read([entityId('brand-b', 'user', 'il-1')])
  const kept = new Map(((doc?.source as unknown as EntityDoc).stamps ?? []).map(v => { const p = parseStamp(v); return [p.action, p] }))
  t.same(decideFunnel(kept, steps, 7 * DAY), [{ t: now - 2 * DAY + H, action: 'login' }, { t: now - 2 * DAY + 2 * H, action: 'deposit' }, { t: now - 2 * DAY + 4 * H, action: 'bet_placed' }])
  const firstOnly = new Map([...kept].map(([a, o]) => [a, { f: o.f.slice(0, 1), l: o.l }]))
  t.equal(decideFunnel(firstOnly, steps, 7 * DAY), undefined, 'the first and last deposit alone leave il-1 to the scan')
})

t.test('cohorts: the same table in zones with half-hour offsets and daylight saving', async t => {
  for (const timeZone of ['UTC', 'Asia/Kolkata', 'Europe/Paris', 'America/New_York']) {
    for (const weeks of [3, 8]) {
      const [scan, store] = await both(t, '/v1/behaviour/cohorts', { timeZone, weeks })
      t.ok(scan.cohorts.length >= 6, `${timeZone}, ${weeks} weeks: ${scan.cohorts.length} cohorts`)
      t.same(store, scan)
    }
  }
})

t.test('a user of ten months: cohorts followed 26 weeks and its active days, from the days its document keeps', async t => {
  for (const timeZone of ['UTC', 'Asia/Kolkata', 'America/New_York']) {
    const [scan, store] = await both(t, '/v1/behaviour/cohorts', { timeZone, weeks: 26 }, KEYS.bRead)
    t.ok(scan.cohorts.some((c: Json) => c.active.filter((n: number | null) => n !== null && n > 0).length > 20), `${timeZone}: lt-1 followed over 20 weeks and more`)
    t.same(store, scan, timeZone)
  }
  const doc = (await new EntitiesStore(stack.es, stack.config.indexPrefix).read([entityId('brand-b', 'user', 'lt-1')]))[0]?.source as unknown as EntityDoc
  const firstDay = Math.floor((tenure[0] as Ev).time / DAY)
  const kept = new Set((doc.active ?? []).map(v => Math.floor(v / DAY)))
  t.same([...kept].sort((a, b) => a - b), [...new Set(tenure.map(e => Math.floor(e.time / DAY)))].filter(d => d <= firstDay + 196), 'the days of its first 28 weeks, and no later one')
  const res = await stack.api.app.inject({ method: 'GET', url: '/v1/users/lt-1/profile', headers: auth(KEYS.bRead) })
  t.equal(res.json().activeDays, new Set(tenure.map(e => Math.floor(e.time / DAY))).size, 'every active day counted')
})

t.test('devices and addresses shared by accounts: the same keys, users, counts and evidence', async t => {
  const sortUsers = (r: Json): Json => ({ ...r, signals: r.signals.map((s: Json) => ({ ...s, users: [...s.users].sort() })) })
  for (const by of ['device', 'ip']) {
    for (const [minUsers, size] of [[3, 100], [2, 100], [8, 3], [2, 1]]) {
      const [scan, store] = await both(t, '/v1/signals/shared-device', { by, minUsers, size })
      t.ok(scan.found > 0, `${by} ≥ ${minUsers} users: ${scan.found}`)
      t.same(sortUsers(store), sortUsers(scan))
    }
  }
  const addresses = (await call('/v1/signals/shared-device', { by: 'ip', minUsers: 2 })).signals.map((s: Json) => s.key)
  t.ok(addresses.includes('2a01:e0a:1::1'), 'an IPv6 address written the long way is one key')
})

t.test('impossible travel: only candidates are scanned, the signals are the same', async t => {
  for (const maxSpeedKmh of [1000, 50, 5000]) {
    const [scan, store] = await both(t, '/v1/signals/impossible-travel', { maxSpeedKmh })
    const keys = scan.signals.map((s: Json) => s.key)
    t.ok(keys.includes('tr-1') && !keys.includes('tr-3'), `${maxSpeedKmh} km/h: ${scan.found} signals`)
    t.equal(keys.includes('tr-2'), maxSpeedKmh === 50, 'London → Paris in 5 h is too fast at 50 km/h only')
    t.equal(keys.includes('tr-4'), maxSpeedKmh === 50, 'London → Tokyo in 60 h (159 km/h) too')
    t.same(store, scan)
  }
})

t.test('risky users: the same ranking and counts', async t => {
  for (const body of [{}, { levels: ['high'] }, { levels: ['low', 'medium', 'high', 'critical'], size: 5 }, { size: 100 }]) {
    const [scan, store] = await both(t, '/v1/analytics/risky-users', body)
    t.ok(scan.users.length > 0, `${JSON.stringify(body)}: ${scan.users.length} users, ${scan.total} events`)
    t.same(store, scan)
  }
})

t.test('a user\'s profile card', async t => {
  const user = 'en-5'
  const mine = events.filter(e => e.user === user).sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1))
  const res = await stack.api.app.inject({ method: 'GET', url: `/v1/users/${user}/profile?tenant=brand-a`, headers: auth(KEYS.read) })
  t.equal(res.statusCode, 200, res.body)
  const p = res.json()
  t.same([p.userId, p.tenant, p.events], [user, 'brand-a', mine.length])
  t.equal(p.firstSeen, new Date((mine[0] as Ev).time).toISOString())
  t.equal(p.lastSeen, new Date((mine.at(-1) as Ev).time).toISOString())
  for (const a of p.actions) {
    const of = mine.filter(e => e.action === a.action)
    t.same([a.first, a.last], [new Date((of[0] as Ev).time).toISOString(), new Date((of.at(-1) as Ev).time).toISOString()], a.action)
  }
  const money = new Map<string, { total: number, count: number }>()
  for (const e of mine) {
    if (e.amount === undefined) continue
    const k = `${e.action}|${e.currency ?? 'EUR'}`
    const m = money.get(k) ?? { total: 0, count: 0 }
    money.set(k, { total: m.total + e.amount, count: m.count + 1 })
  }
  t.same(p.money.map((m: Json) => [`${m.action}|${m.currency}`, m.count]), [...money].sort().map(([k, m]) => [k, m.count]))
  for (const m of p.money) t.ok(Math.abs(m.total - (money.get(`${m.action}|${m.currency}`)?.total ?? 0)) < 1e-6, `${m.action} ${m.currency}: ${m.total}`)
  const countries = new Set(mine.map(e => geoip.lookup(e.ip.toLowerCase())?.country).filter(c => c !== undefined))
  t.same(p.countries.map((c: Json) => c.country).sort(), [...countries].sort())
  const signIn = mine.filter(e => e.action === 'login' && e.outcome === 'success').at(-1) as Ev
  t.same([p.lastSignIn.eventId, p.lastSignIn.time], [signIn.id, new Date(signIn.time).toISOString()])
  for (const d of p.devices.items) {
    const users = new Set(events.filter(e => e.device === d.id).map(e => e.user))
    t.same([d.users, d.usersComplete], [users.size, true], `${d.id}: users sharing it`)
  }
  t.equal(p.activeDays, new Set(mine.map(e => Math.floor(e.time / DAY))).size)

  const masked = await stack.api.app.inject({ method: 'GET', url: '/v1/users/tr-1/profile', headers: auth(KEYS.aMasked) })
  t.equal(masked.statusCode, 200, masked.body)
  t.same(masked.json().ips.items.map((i: Json) => i.ip).sort(), ['203.2.218.x', '81.2.69.x'], 'addresses masked for masked keys')
  t.ok(masked.json().ips.items.every((i: Json) => i.users === null && i.usersComplete === false), 'and no count of the users of each clear address, which would tell addresses apart')
  t.equal(masked.json().lastSignIn.country, 'GB')
  const other = await stack.api.app.inject({ method: 'GET', url: '/v1/users/tr-1/profile?tenant=default', headers: auth(KEYS.aRead) })
  t.equal(other.statusCode, 400, 'a tenant key reads its own tenant only')
  t.equal((await stack.api.app.inject({ method: 'GET', url: '/v1/users/nobody/profile?tenant=brand-a', headers: auth(KEYS.read) })).statusCode, 404)
  t.equal((await stack.api.app.inject({ method: 'GET', url: '/v1/users/en-1/profile', headers: auth(KEYS.read) })).statusCode, 400, 'platform keys name the tenant')
})

t.test('where answers come from', async t => {
  const funnel = { steps: [['login'], ['deposit']] }
  t.equal((await call('/v1/behaviour/funnel', funnel)).bounds.source, 'entities', 'whole histories: the entity store')
  t.equal((await call('/v1/behaviour/funnel', funnel, KEYS.read)).bounds.source, 'scan', 'platform keys: the scan, unless they ask')
  const perTenant = await call('/v1/behaviour/funnel', { ...funnel, source: 'entities' }, KEYS.read)
  const own = await call('/v1/behaviour/funnel', funnel)
  t.ok(perTenant.steps[0].users > own.steps[0].users, 'asked, platform keys get users of every tenant, each counted in its tenant')
  t.equal((await call('/v1/behaviour/funnel', { ...funnel, filters: { period: { from: 'now-7d' } } })).bounds.source, 'scan', 'a period: the scan')
  t.equal((await call('/v1/behaviour/funnel', { ...funnel, query: 'event.outcome:success' })).bounds.source, 'scan')
  t.equal((await call('/v1/behaviour/funnel', { ...funnel, scanLimit: 10 })).bounds.source, 'scan', 'a scan limit asks for the scan')
  t.match((await call('/v1/behaviour/funnel', { ...funnel, scanLimit: 10, source: 'entities' }, KEYS.aRead, 400)).errors, [{ path: '/scanLimit' }], 'and is refused with the store')
  const refused = await call('/v1/behaviour/funnel', { ...funnel, query: 'user.id:en-1', source: 'entities' }, KEYS.read, 400)
  t.match(refused.errors, [{ path: '/source', message: /whole histories/ }])
  const store = new EntitiesStore(stack.es, stack.config.indexPrefix)
  await store.setComplete(null)
  await new Promise(resolve => setTimeout(resolve, 5100))
  t.equal((await call('/v1/behaviour/cohorts', {})).bounds.source, 'scan', 'an incomplete store is not used')
  t.match((await call('/v1/behaviour/cohorts', { source: 'entities' }, KEYS.read, 400)).errors, [{ path: '/source', message: /entities-rebuild/ }])
  await store.setComplete('brand-a')
  await new Promise(resolve => setTimeout(resolve, 5100))
  t.equal((await call('/v1/behaviour/cohorts', {}, KEYS.aRead)).bounds.source, 'entities', 'complete for one tenant: that tenant\'s keys use it')
  t.match((await call('/v1/behaviour/cohorts', { source: 'entities' }, KEYS.read, 400)).errors, [{ path: '/source' }], 'platform keys need every tenant')
  await store.setComplete('*')
})
