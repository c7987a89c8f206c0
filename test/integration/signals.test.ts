import { t } from '../helpers/file-test.ts'
import geoip from 'geoip-lite'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { settled } from '../helpers/entities-data.ts'

const S = 1000
const M = 60 * S
const H = 60 * M
const DAY = 24 * H

interface Ev { id: string, user: string, time: number, action: string, outcome: string, ip: string, device?: string, amount?: number, tenant?: string }

const base = Math.floor((Date.now() - 2 * DAY) / M) * M
const IP = { london: '81.2.69.142', melbourne: '203.2.218.214', paris: '212.27.48.10', tokyo: '133.11.0.1', de: '88.198.1.1', us: '8.8.8.8', fr: '2a01:e0a:1::1', za: '196.25.1.1', ru: '77.88.55.242', ng: '41.203.64.1', private: '10.1.2.3' }

const events: Ev[] = []
let n = 0
const add = (user: string, offset: number, action: string, outcome: string, ip: string, extra: Partial<Ev> = {}): void => {
  events.push({ id: `sg-${n++}`, user, time: base + offset, action, outcome, ip, ...extra })
}
// Failed sign-in bursts. bf-1: six in eight minutes. bf-2: a near miss, five spread over ten minutes and a second.
for (const m of [0, 1, 2, 4, 6, 8]) add('bf-1', m * M, 'login_failed', 'failure', IP.de)
for (const off of [0, 150 * S, 5 * M, 450 * S, 10 * M + S]) add('bf-2', H + off, 'login', 'failure', IP.us)
// bf-3: the three kinds of failure, with a success and a failed challenge (not a sign-in) among them.
const kinds: Array<[string, string]> = [['login', 'failure'], ['mfa_verified', 'failure'], ['login', 'success'], ['login_failed', 'failure'], ['mfa_challenge', 'failure'], ['login', 'failure'], ['mfa_verified', 'failure']]
kinds.forEach(([action, outcome], k) => add('bf-3', 2 * H + k * M, action, outcome, IP.fr))
// One address, six accounts, one failure each in three minutes; another address with only four.
for (let k = 0; k < 6; k++) add(`ipu-${k}`, 3 * H + k * 30 * S, 'login_failed', 'failure', IP.za)
for (let k = 0; k < 4; k++) add(`ipv-${k}`, 4 * H + k * 2 * M, 'login_failed', 'failure', IP.ru)
// Travel. tr-1: London then Melbourne an hour later. tr-2: London then Paris five hours later (plausible).
// tr-3: London, an unlocated private address, then Tokyo two hours after London. tr-4: a failed sign-in in Tokyo between two in London.
add('tr-1', 5 * H, 'login', 'success', IP.london)
add('tr-1', 6 * H, 'login', 'success', IP.melbourne)
add('tr-2', 5 * H, 'login', 'success', IP.london)
add('tr-2', 10 * H, 'login', 'success', IP.paris)
add('tr-3', 5 * H, 'login', 'success', IP.london)
add('tr-3', 5.5 * H, 'login', 'success', IP.private)
add('tr-3', 7 * H, 'login', 'success', IP.tokyo)
add('tr-4', 5 * H, 'login', 'success', IP.london)
add('tr-4', 5.2 * H, 'login', 'failure', IP.tokyo)
add('tr-4', 6 * H, 'login', 'success', IP.london)
// Devices: one shared by four accounts, one by two, one used often by a single account.
for (let k = 1; k <= 4; k++) add(`sh-${k}`, 8 * H + k * M, 'login', 'success', IP.paris, { device: 'dev-shared' })
add('sh-1', 8.5 * H, 'page_viewed', 'success', IP.paris, { device: 'dev-shared' })
for (const u of ['sh-5', 'sh-6']) add(u, 9 * H, 'login', 'success', IP.us, { device: 'dev-two' })
for (let k = 0; k < 5; k++) add('sh-7', 9 * H + k * M, 'login', 'success', IP.us, { device: 'dev-solo' })
// Change then withdraw, with a 24 h window.
add('cw-1', 12 * H, 'password_changed', 'success', IP.de)
add('cw-1', 14 * H, 'withdrawal', 'success', IP.de, { amount: 500 })
add('cw-1', 20 * H, 'withdrawal', 'success', IP.de, { amount: 200 })
add('cw-2', 12 * H, 'email_changed', 'success', IP.de)
add('cw-2', 37 * H, 'withdrawal', 'success', IP.de, { amount: 300 })
add('cw-3', 12 * H, 'payout_details_changed', 'success', IP.de)
add('cw-3', 36 * H, 'withdrawal', 'failure', IP.de, { amount: 900 })
add('cw-4', 12 * H, 'password_changed', 'failure', IP.de)
add('cw-4', 13 * H, 'withdrawal', 'success', IP.de, { amount: 50 })
add('cw-5', 12 * H, 'withdrawal', 'success', IP.de, { amount: 70 })
add('cw-5', 13 * H, 'mfa_disabled', 'success', IP.de)
// Another tenant: a burst the platform key sees, its own tenant's keys see, and other tenants' keys do not.
const tenantEvents: Ev[] = [0, 20, 40, 60, 80].map((s, k) => ({ id: `ta-${k}`, user: 'ta-1', time: base + 15 * H + s * S, action: 'login_failed', outcome: 'failure', ip: IP.ng, tenant: 'brand-a' }))
const all = [...events, ...tenantEvents]

const body = (e: Ev): object => ({
  '@timestamp': new Date(e.time).toISOString(),
  event: { id: e.id, action: e.action, outcome: e.outcome },
  user: { id: e.user },
  source: { ip: e.ip },
  ...(e.device === undefined && e.amount === undefined ? {} : { audit: { ...(e.device === undefined ? {} : { device: { id: e.device } }), ...(e.amount === undefined ? {} : { money: { amount: e.amount, currency: 'EUR' } }) } })
})

let stack: Stack
t.before(async () => {
  stack = await startStack(t)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: events.map(body) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  const a = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.aIngest), payload: { events: tenantEvents.map(body) } })
  if (a.statusCode !== 202) throw new Error(a.body)
  if (await stack.waitForCount(all.length) !== all.length) throw new Error('seed not indexed')
  // Tenant keys' answers over whole histories come from the entity store, a moment behind the events.
  await settled(stack)
})

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
async function post (url: string, payload: object, key = KEYS.read): Promise<Json> {
  const res = await stack.api.app.inject({ method: 'POST', url, headers: auth(key), payload })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}
const order = (a: Ev, b: Ev): number => a.time - b.time || (a.id < b.id ? -1 : 1)
const iso = (ms: number): string => new Date(ms).toISOString()
const groupBy = (evs: Ev[], key: (e: Ev) => string): Map<string, Ev[]> => {
  const m = new Map<string, Ev[]>()
  for (const e of evs) m.set(key(e), [...(m.get(key(e)) ?? []), e])
  for (const list of m.values()) list.sort(order)
  return m
}
const keysOf = (r: Json): string[] => r.signals.map((s: Json) => s.key).sort()

t.test('failed sign-in bursts per user and per address, over an exact sliding window', async t => {
  const failed = all.filter(e => e.action === 'login_failed' || ((e.action === 'login' || e.action === 'mfa_verified') && e.outcome === 'failure'))
  for (const by of ['user', 'ip'] as const) {
    // For each key, the largest set of failures within 10 minutes of its first one (the earliest such set on ties).
    const expected = [...groupBy(failed, e => by === 'user' ? e.user : e.ip)].flatMap(([key, list]) => {
      let best: Ev[] = []
      list.forEach((first, i) => {
        const inside = list.slice(i).filter(e => e.time - first.time <= 10 * M)
        if (inside.length > best.length) best = inside
      })
      return best.length >= 5 ? [{ key, best, total: list.length }] : []
    })
    t.same(expected.map(x => x.key).sort(), (by === 'user' ? ['bf-1', 'bf-3', 'ta-1'] : [IP.de, IP.fr, IP.ng, IP.za]).sort(), `${by}: the planted bursts, not the near misses`)
    const r = await post('/v1/signals/failed-logins', { by })
    t.same(keysOf(r), expected.map(x => x.key).sort())
    for (const x of expected) {
      const s = r.signals.find((y: Json) => y.key === x.key)
      t.same(s.figure, {
        failures: x.best.length, threshold: 5, windowMs: 10 * M, from: iso((x.best[0] as Ev).time), to: iso((x.best.at(-1) as Ev).time),
        distinctUsers: new Set(x.best.map(e => e.user)).size, totalFailures: x.total
      }, `${by} ${x.key}: figure`)
      t.same(s.evidence.map((e: Json) => [e.id, e['@timestamp'], e.action, e.ip, e.userId]), x.best.map(e => [e.id, iso(e.time), e.action, e.ip, e.user]), `${by} ${x.key}: evidence`)
      t.same([...s.users].sort(), [...new Set(x.best.map(e => e.user))].sort())
    }
    const figures = r.signals.map((s: Json) => s.figure.failures)
    t.same(figures, [...figures].sort((a: number, b: number) => b - a), 'strongest first')
    t.same(r.bounds, { scanned: failed.length, limit: 1_000_000, truncated: false })
    t.equal(r.found, expected.length)
  }
  const wide = await post('/v1/signals/failed-logins', { threshold: 4, window: '11m' })
  t.ok(keysOf(wide).includes('bf-2'), 'a wider window catches the near miss')
  const cut = await post('/v1/signals/failed-logins', { scanLimit: 3 })
  t.same(cut.bounds, { scanned: 3, limit: 3, truncated: true })
  const top = await post('/v1/signals/failed-logins', { size: 1 })
  t.same([top.signals.length, top.found, top.signals[0].key], [1, 3, 'bf-1'])
})

t.test('tenants and masking', async t => {
  const own = await post('/v1/signals/failed-logins', { by: 'ip' }, KEYS.aRead)
  t.same(keysOf(own), [IP.ng], 'a tenant key sees its own tenant\'s signals only')
  t.equal(own.signals[0].evidence[0].ip, IP.ng)
  const masked = await post('/v1/signals/failed-logins', {}, KEYS.aMasked)
  t.same(keysOf(masked), ['ta-1'], 'user ids stay')
  t.same(masked.signals[0].evidence.map((e: Json) => e.ip), tenantEvents.map(() => '41.203.64.x'), 'addresses are masked for read:masked keys')
  const byIp = await stack.api.app.inject({ method: 'POST', url: '/v1/signals/failed-logins', headers: auth(KEYS.aMasked), payload: { by: 'ip' } })
  t.equal(byIp.statusCode, 400, 'counting per clear address would tell apart what the masked form hides')
  t.match(byIp.json().errors, [{ path: '/by', message: 'field "source.ip" is masked for this key' }])
  t.same(keysOf(await post('/v1/signals/failed-logins', {}, KEYS.bRead)), [])
  t.same(keysOf(await post('/v1/signals/shared-device', { by: 'ip' }, KEYS.bRead)), [])
})

t.test('impossible travel between consecutive located successful sign-ins', async t => {
  const located = all.filter(e => e.action === 'login' && e.outcome === 'success' && geoip.lookup(e.ip) !== null)
  // Spherical law of cosines: a different formula from the service's haversine, equal to well under a metre here.
  const km = (a: [number, number], b: [number, number]): number => {
    const r = (d: number): number => d * Math.PI / 180
    return 6371.0088 * Math.acos(Math.min(1, Math.sin(r(a[0])) * Math.sin(r(b[0])) + Math.cos(r(a[0])) * Math.cos(r(b[0])) * Math.cos(r(b[1] - a[1]))))
  }
  const expected = [...groupBy(located, e => e.user)].flatMap(([user, list]) => list.slice(1).flatMap((e, i) => {
    const prev = list[i] as Ev
    const d = km(geoip.lookup(prev.ip)?.ll as [number, number], geoip.lookup(e.ip)?.ll as [number, number])
    const hours = (e.time - prev.time) / H
    return d >= 100 && d / hours > 1000 ? [{ user, ids: [prev.id, e.id], d, hours, speed: d / hours }] : []
  }))
  t.same(expected.map(x => x.user).sort(), ['tr-1', 'tr-3'], 'London→Melbourne in 1 h; London→Tokyo in 2 h across an unlocated sign-in')
  const r = await post('/v1/signals/impossible-travel', {})
  t.same(keysOf(r), ['tr-1', 'tr-3'])
  for (const x of expected) {
    const s = r.signals.find((y: Json) => y.key === x.user)
    t.same(s.evidence.map((e: Json) => e.id), x.ids)
    t.ok(Math.abs(s.figure.distanceKm - x.d) < 0.01, `${x.user}: ${s.figure.distanceKm.toFixed(3)} km (expected ${x.d.toFixed(3)})`)
    t.equal(s.figure.hours, x.hours)
    t.ok(Math.abs(s.figure.speedKmh - x.speed) < 0.01, `${x.user}: ${s.figure.speedKmh.toFixed(1)} km/h`)
    t.same([s.figure.maxSpeedKmh, s.figure.minDistanceKm], [1000, 100])
  }
  t.match(r.signals.find((y: Json) => y.key === 'tr-1').evidence, [
    { action: 'login', outcome: 'success', ip: IP.london, country: 'GB', '@timestamp': iso(base + 5 * H) },
    { action: 'login', outcome: 'success', ip: IP.melbourne, country: 'AU', '@timestamp': iso(base + 6 * H) }
  ])
  t.same(r.bounds, { scanned: located.length, limit: 1_000_000, truncated: false, source: 'scan' }, 'only located successful sign-ins are read')
  t.same(keysOf(await post('/v1/signals/impossible-travel', { maxSpeedKmh: 5000 })), ['tr-1'], 'a higher speed bound keeps only the fastest')
  t.same(keysOf(await post('/v1/signals/impossible-travel', { maxSpeedKmh: 50 })), ['tr-1', 'tr-2', 'tr-3'], 'a low bound flags London→Paris in 5 h')
})

t.test('devices and addresses shared by many accounts', async t => {
  for (const by of ['device', 'ip'] as const) {
    const groups = groupBy(all.filter(e => by === 'ip' || e.device !== undefined), e => by === 'ip' ? e.ip : e.device as string)
    const expected = [...groups].map(([key, list]) => ({ key, list, users: [...new Set(list.map(e => e.user))] })).filter(x => x.users.length >= 3)
    t.ok(expected.length > (by === 'ip' ? 3 : 0), `${by}: ${expected.length} keys`)
    if (by === 'device') t.same(expected.map(x => x.key), ['dev-shared'])
    const r = await post('/v1/signals/shared-device', { by })
    t.same(keysOf(r), expected.map(x => x.key).sort())
    for (const x of expected) {
      const s = r.signals.find((y: Json) => y.key === x.key)
      t.same([...s.users].sort(), [...x.users].sort(), `${x.key}: users`)
      t.same(s.figure, { users: x.users.length, complete: true, minUsers: 3, events: x.list.length })
      const firsts = [...groupBy(x.list, e => e.user).values()].map(l => l[0] as Ev).sort(order)
      t.same(s.evidence.map((e: Json) => [e.id, e.userId, e['@timestamp']]), firsts.map(e => [e.id, e.user, iso(e.time)]), `${x.key}: the first event of each user`)
    }
    const users = r.signals.map((s: Json) => s.figure.users)
    t.same(users, [...users].sort((a: number, b: number) => b - a), 'most users first')
    t.equal(r.bounds.truncated, false)
  }
  t.same(keysOf(await post('/v1/signals/shared-device', { minUsers: 2 })), ['dev-shared', 'dev-two'])
  const few = await post('/v1/signals/shared-device', { by: 'ip', size: 1 })
  t.same([few.signals.length, few.bounds], [1, { scanned: 1, limit: 1, truncated: true, source: 'scan' }], 'more keys may qualify beyond the candidates examined')
})

t.test('a credential or payout change followed by a withdrawal', async t => {
  const changes = ['password_changed', 'email_changed', 'payout_details_changed', 'password_reset_completed', 'mfa_disabled']
  const expected = all.filter(c => changes.includes(c.action) && c.outcome !== 'failure').flatMap(c => {
    const after = all.filter(w => w.user === c.user && w.action === 'withdrawal' && w.time >= c.time && w.time - c.time <= DAY).sort(order)
    return after.length === 0 ? [] : [{ c, after }]
  })
  t.same(expected.map(x => x.c.user).sort(), ['cw-1', 'cw-3'], 'the planted pair and the one exactly at 24 h; not after 25 h, a failed change, or a withdrawal before')
  const r = await post('/v1/signals/change-then-withdraw', {})
  t.same(keysOf(r), ['cw-1', 'cw-3'])
  for (const x of expected) {
    const s = r.signals.find((y: Json) => y.key === x.c.user)
    t.same(s.figure, {
      change: x.c.action, elapsedMs: (x.after[0] as Ev).time - x.c.time, windowMs: DAY, withdrawals: x.after.length,
      amounts: [{ currency: 'EUR', amount: x.after.reduce((sum, w) => sum + (w.amount ?? 0), 0) }]
    })
    t.same(s.evidence.map((e: Json) => [e.id, e.action, e.outcome, e.amount]), [x.c, ...x.after].map(e => [e.id, e.action, e.outcome, e.amount]))
  }
  t.same(r.signals.map((s: Json) => s.key), ['cw-1', 'cw-3'], 'quickest withdrawal first')
  t.same(keysOf(await post('/v1/signals/change-then-withdraw', { window: '26h' })), ['cw-1', 'cw-2', 'cw-3'])
  const relevant = all.filter(e => e.action === 'withdrawal' || changes.includes(e.action)).length
  t.same(r.bounds, { scanned: relevant, limit: 1_000_000, truncated: false })
  t.same((await post('/v1/signals/change-then-withdraw', { scanLimit: 2 })).bounds, { scanned: 2, limit: 2, truncated: true })
  t.same(keysOf(await post('/v1/signals/change-then-withdraw', { filters: { userId: ['cw-3'] } })), ['cw-3'], 'filters apply')
  t.same(keysOf(await post('/v1/signals/change-then-withdraw', { query: 'not event.outcome:failure' })), ['cw-1'], 'KQL applies')
})

t.test('malformed requests get a 400 with paths; keys are checked', async t => {
  const bad: Array<[string, object, string]> = [
    ['failed-logins', { by: 'device' }, '/by'],
    ['failed-logins', { threshold: 1 }, '/threshold'],
    ['failed-logins', { window: '2d' }, '/window'],
    ['failed-logins', { size: 0 }, '/size'],
    ['impossible-travel', { maxSpeedKmh: 0 }, '/maxSpeedKmh'],
    ['impossible-travel', { query: 'source.ip:999.1.1.1' }, '/query'],
    ['shared-device', { minUsers: 1 }, '/minUsers'],
    ['shared-device', { by: 'email' }, '/by'],
    ['change-then-withdraw', { window: 'x' }, '/window'],
    ['change-then-withdraw', { filters: { ip: ['10.0.0.0/99'] } }, '/filters/ip/0']
  ]
  for (const [route, payload, path] of bad) {
    const res = await stack.api.app.inject({ method: 'POST', url: `/v1/signals/${route}`, headers: auth(KEYS.read), payload })
    t.equal(res.statusCode, 400, `${route} ${JSON.stringify(payload)} → 400`)
    t.equal(res.json().errors?.[0]?.path, path, `points at ${path}: ${res.json().errors?.[0]?.message}`)
  }
  for (const route of ['failed-logins', 'impossible-travel', 'shared-device', 'change-then-withdraw']) {
    t.equal((await stack.api.app.inject({ method: 'POST', url: `/v1/signals/${route}`, payload: {} })).statusCode, 401, `${route} without a key`)
    t.equal((await stack.api.app.inject({ method: 'POST', url: `/v1/signals/${route}`, headers: auth(KEYS.ingest), payload: {} })).statusCode, 403, `${route} without the read scope`)
  }
})
