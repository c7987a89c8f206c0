import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { settled } from '../helpers/entities-data.ts'
import { ACTION_EDGES, DURATION_EDGES_MS } from '../../src/analytics/behaviour/sessions.ts'

const M = 60_000
const H = 60 * M
const DAY = 24 * H
const WEEK = 7 * DAY

/** A seeded generator, so the data set (and every expected answer) is the same on every run. */
function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

interface Ev { id: string, user: string, session: string | undefined, time: number, action: string, tenant?: string }

// Monday 00:00 UTC seven weeks ago: every event falls in the last seven weeks.
const now = Date.now()
const today = Math.floor(now / DAY) * DAY
const origin = today - ((new Date(today).getUTCDay() + 6) % 7) * DAY - 7 * WEEK
const USERS = 40
const POOL = ['login', 'deposit', 'bet_placed', 'page_viewed', 'game_launched', 'deposit', 'bet_placed', 'withdrawal', 'logout']

function makeEvents (): Ev[] {
  const r = rng(42)
  const out: Ev[] = []
  for (let i = 0; i < USERS; i++) {
    const user = `u-${i}`
    // First activity spread over four weeks, at hours that cross midnight in Asia/Kolkata (+05:30) for some users.
    let time = origin + (i % 4) * WEEK + Math.floor(r() * 7) * DAY + (i % 3 === 0 ? 20 * H : 9 * H) + i * M
    let n = 0
    const add = (action: string, session: string | undefined): void => { out.push({ id: `bh-${i}-${n++}`, user, session, time, action }) }
    if (i % 6 !== 5) add('registration', i % 2 === 0 ? `s-${i}-0` : undefined) // odd users register outside any session
    const sessions = 1 + (i % 4)
    for (let k = 0; k < sessions; k++) {
      const session = `s-${i}-${k}`
      const length = 1 + Math.floor(r() * 6)
      for (let e = 0; e < length; e++) {
        time += (1 + Math.floor(r() * 50)) * M
        add(POOL[Math.floor(r() * POOL.length)] as string, session)
      }
      time += Math.floor(r() * 9) * DAY + H
    }
  }
  return out
}

const events = makeEvents()
// A tenant the platform key sees and tenant-bound keys of other tenants do not.
const tenantEvents: Ev[] = [
  { id: 'ta-0', user: 'ta-user', session: 'ta-s', time: origin + 9 * H, action: 'registration', tenant: 'brand-a' },
  { id: 'ta-1', user: 'ta-user', session: 'ta-s', time: origin + 10 * H, action: 'deposit', tenant: 'brand-a' }
]
const all = [...events, ...tenantEvents]
const body = (e: Ev): object => ({
  '@timestamp': new Date(e.time).toISOString(),
  event: { id: e.id, action: e.action, outcome: 'success' },
  user: { id: e.user },
  ...(e.session === undefined ? {} : { audit: { session: { id: e.session } } })
})

let stack: Stack
t.before(async () => {
  stack = await startStack(t)
  for (let i = 0; i < events.length; i += 500) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: events.slice(i, i + 500).map(body) } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
  const a = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.aIngest), payload: { events: tenantEvents.map(body) } })
  if (a.statusCode !== 202) throw new Error(a.body)
  if (await stack.waitForCount(all.length) !== all.length) throw new Error('seed not indexed')
  // Tenant keys' answers over whole histories come from the entity store, a moment behind the events.
  await settled(stack)
})

async function post (url: string, payload: object, key = KEYS.read): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await stack.api.app.inject({ method: 'POST', url, headers: auth(key), payload })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json()
}

const order = (a: Ev, b: Ev): number => a.time - b.time || (a.id < b.id ? -1 : 1)
function byUser (evs: Ev[]): Map<string, Ev[]> {
  const m = new Map<string, Ev[]>()
  for (const e of evs) m.set(e.user, [...(m.get(e.user) ?? []), e])
  for (const list of m.values()) list.sort(order)
  return m
}
const middle = (xs: number[]): number | null => {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return null
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] as number : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2
}

/** The funnel, computed directly: for each user, look for each step after the previous one, from the first step 1. */
function expectedFunnel (evs: Ev[], steps: string[][], windowMs: number): Array<{ users: number, median: number | null }> {
  const reached = steps.map(() => 0)
  const gaps: number[][] = steps.map(() => [])
  for (const list of byUser(evs).values()) {
    const start = list.findIndex(e => steps[0]?.includes(e.action))
    if (start < 0) continue
    const t0 = (list[start] as Ev).time
    reached[0]!++
    let at = start
    for (let k = 1; k < steps.length; k++) {
      const next = list.findIndex((e, j) => j > at && steps[k]?.includes(e.action))
      if (next < 0 || (list[next] as Ev).time - t0 > windowMs) break
      reached[k]!++
      gaps[k]!.push((list[next] as Ev).time - (list[at] as Ev).time)
      at = next
    }
  }
  return reached.map((users, k) => ({ users, median: k === 0 ? null : middle(gaps[k] as number[]) }))
}

t.test('funnel: users through ordered steps, conversions, median step times', async t => {
  const steps = [['registration'], ['deposit'], ['bet_placed', 'game_launched']]
  for (const window of ['7d', '3h', '30d']) {
    const windowMs = { '7d': WEEK, '3h': 3 * H, '30d': 30 * DAY }[window] as number
    const expected = expectedFunnel(all, steps, windowMs)
    t.ok((expected[0]?.users ?? 0) > (expected[2]?.users ?? 0) && (expected[2]?.users ?? 0) > 0, `${window}: the data make a meaningful funnel ${expected.map(e => e.users).join(' → ')}`)
    const r = await post('/v1/behaviour/funnel', { steps, window })
    t.equal(r.windowMs, windowMs)
    t.same(r.steps.map((s: { users: number }) => s.users), expected.map(e => e.users), `${window}: users per step`)
    t.same(r.steps.map((s: { medianMsFromPrevious: number | null }) => s.medianMsFromPrevious), expected.map(e => e.median), `${window}: exact medians`)
    const u = expected.map(e => e.users)
    t.same(r.steps.map((s: { conversionFromPrevious: number | null }) => s.conversionFromPrevious), u.map((n, k) => k === 0 ? null : n / (u[k - 1] as number)))
    t.same(r.steps.map((s: { conversionFromFirst: number | null }) => s.conversionFromFirst), u.map(n => n / (u[0] as number)))
    const matching = all.filter(e => steps.flat().includes(e.action)).length
    t.same(r.bounds, { scanned: matching, limit: 1_000_000, truncated: false, source: 'scan' }, 'only events of the steps are read')
  }
})

t.test('funnel: filters and KQL select the events; the scan limit is stated', async t => {
  const steps = [['registration'], ['deposit']]
  const chosen = all.filter(e => Number(e.user.slice(2)) % 2 === 0 && e.time >= origin + WEEK)
  const r = await post('/v1/behaviour/funnel', { steps, filters: { period: { from: new Date(origin + WEEK).toISOString() } }, query: 'user.id:(u-0 or u-2 or u-4 or u-6 or u-8 or u-10 or u-12 or u-14 or u-16 or u-18 or u-20 or u-22 or u-24 or u-26 or u-28 or u-30 or u-32 or u-34 or u-36 or u-38)' })
  t.same(r.steps.map((s: { users: number }) => s.users), expectedFunnel(chosen, steps, WEEK).map(e => e.users))

  const matching = all.filter(e => steps.flat().includes(e.action)).length
  const exact = await post('/v1/behaviour/funnel', { steps, scanLimit: matching })
  t.same(exact.bounds, { scanned: matching, limit: matching, truncated: false, source: 'scan' }, 'a limit equal to the data is not a truncation')
  const cut = await post('/v1/behaviour/funnel', { steps, scanLimit: matching - 1 })
  t.same(cut.bounds, { scanned: matching - 1, limit: matching - 1, truncated: true, source: 'scan' })
  const small = await post('/v1/behaviour/funnel', { steps, scanLimit: 7 })
  t.same(small.bounds, { scanned: 7, limit: 7, truncated: true, source: 'scan' })
  const first7 = all.filter(e => steps.flat().includes(e.action)).sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : order(a, b))).slice(0, 7)
  t.same(small.steps.map((s: { users: number }) => s.users), expectedFunnel(first7, steps, WEEK).map(e => e.users), 'the figures cover the events read, in user order')

  const tenant = await post('/v1/behaviour/funnel', { steps }, KEYS.aRead)
  t.same(tenant.steps.map((s: { users: number }) => s.users), [1, 1], 'a tenant key sees its tenant only')
  const other = await post('/v1/behaviour/funnel', { steps }, KEYS.bRead)
  t.same(other.steps.map((s: { users: number }) => s.users), [0, 0])
})

t.test('next actions: within the session, or the user\'s next event', async t => {
  for (const sameSession of [true, false]) {
    const counts = new Map<string, number>()
    let occurrences = 0
    for (const list of byUser(all).values()) {
      list.forEach((e, j) => {
        if (e.action !== 'deposit') return
        occurrences++
        const next = sameSession
          ? (e.session === undefined ? undefined : list.slice(j + 1).find(x => x.session === e.session))
          : list[j + 1]
        if (next !== undefined) counts.set(next.action, (counts.get(next.action) ?? 0) + 1)
      })
    }
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    const followed = ranked.reduce((s, [, c]) => s + c, 0)
    t.ok(occurrences > 10 && ranked.length > 3, `meaningful data: ${occurrences} deposits`)
    const r = await post('/v1/behaviour/next-actions', { action: 'deposit', sameSession, top: 3 })
    t.equal(r.occurrences, occurrences)
    t.equal(r.followed, followed)
    t.equal(r.ended, occurrences - followed)
    t.same(r.next, ranked.slice(0, 3).map(([action, count]) => ({ action, count, share: count / occurrences })), `sameSession ${sameSession}`)
    t.equal(r.otherActions, ranked.length - 3)
    t.equal(r.otherCount, ranked.slice(3).reduce((s, [, c]) => s + c, 0))
    t.same(r.bounds, { scanned: all.length, limit: 1_000_000, truncated: false })
  }
  const cut = await post('/v1/behaviour/next-actions', { action: 'deposit', scanLimit: 10 })
  t.same(cut.bounds, { scanned: 10, limit: 10, truncated: true })
})

t.test('session statistics: lengths and actions per session', async t => {
  const sessions = new Map<string, number[]>()
  for (const e of all) if (e.session !== undefined) sessions.set(`${e.user} ${e.session}`, [...(sessions.get(`${e.user} ${e.session}`) ?? []), e.time])
  const durations = [...sessions.values()].map(ts => Math.max(...ts) - Math.min(...ts)).sort((a, b) => a - b)
  const actions = [...sessions.values()].map(ts => ts.length).sort((a, b) => a - b)
  const rank = (xs: number[], p: number): number => xs[Math.ceil(p / 100 * xs.length) - 1] as number
  const buckets = (xs: number[], edges: readonly number[]) => edges.map((from, i) => ({ from, to: edges[i + 1] ?? null, count: xs.filter(x => x >= from && (edges[i + 1] === undefined || x < (edges[i + 1] as number))).length }))
  const r = await post('/v1/behaviour/sessions', {})
  t.equal(r.sessions, sessions.size)
  for (const [name, xs, edges] of [['durationMs', durations, DURATION_EDGES_MS], ['actions', actions, ACTION_EDGES]] as const) {
    t.same(r[name], {
      count: xs.length, mean: xs.reduce((s, x) => s + x, 0) / xs.length, p50: rank(xs, 50), p90: rank(xs, 90), p99: rank(xs, 99), max: xs.at(-1), histogram: buckets(xs, edges)
    }, name)
  }
  t.same(r.bounds, { scanned: all.filter(e => e.session !== undefined).length, limit: 1_000_000, truncated: false }, 'events without a session are not read')
  const one = await post('/v1/behaviour/sessions', { filters: { userId: ['u-3'] } })
  t.equal(one.sessions, [...sessions.keys()].filter(k => k.startsWith('u-3 ')).length)
  const cut = await post('/v1/behaviour/sessions', { scanLimit: 5 })
  t.same(cut.bounds, { scanned: 5, limit: 5, truncated: true })
})

t.test('retention cohorts by ISO week in the request\'s zone', async t => {
  const tables: unknown[] = []
  for (const [zone, offset] of [['UTC', 0], ['Asia/Kolkata', 5.5 * H]] as const) {
    // The Monday of an event's local date, as YYYY-MM-DD.
    const monday = (ms: number): string => {
      const local = Math.floor((ms + offset) / DAY) * DAY
      return new Date(local - ((new Date(local).getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10)
    }
    const weeksOf = new Map<string, Set<string>>()
    for (const e of all) weeksOf.set(e.user, (weeksOf.get(e.user) ?? new Set()).add(monday(e.time)))
    const lastWeek = [...weeksOf.values()].flatMap(s => [...s]).sort().at(-1) as string
    const plus = (d: string, k: number): string => new Date(Date.parse(d) + k * WEEK).toISOString().slice(0, 10)
    const rows = new Map<string, { users: number, active: Array<number | null> }>()
    for (const weeks of weeksOf.values()) {
      const first = [...weeks].sort()[0] as string
      const row = rows.get(first) ?? { users: 0, active: Array.from({ length: 5 }, (_, k) => plus(first, k) > lastWeek ? null : 0) }
      row.users++
      row.active.forEach((n, k) => { if (n !== null && weeks.has(plus(first, k))) row.active[k] = n + 1 })
      rows.set(first, row)
    }
    const isoWeek = (d: string): string => {
      const thursday = new Date(Date.parse(d) + 3 * DAY)
      const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1)
      return `${thursday.getUTCFullYear()}-W${String(Math.floor((thursday.getTime() - jan1) / WEEK) + 1).padStart(2, '0')}`
    }
    const expected = [...rows].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([start, row]) => ({
      week: isoWeek(start), start, users: row.users, active: row.active, retention: row.active.map(n => n === null ? null : n / row.users)
    }))
    t.ok(expected.length >= 4, `${zone}: ${expected.length} cohorts`)
    const r = await post('/v1/behaviour/cohorts', { weeks: 4, timeZone: zone })
    t.same(r.cohorts, expected, zone)
    tables.push(expected)
    t.equal(r.bounds.truncated, false)
    t.equal(r.bounds.scanned, [...weeksOf.values()].reduce((s, w) => s + w.size, 0), 'one bucket per user and active week')
  }
  t.notSame(tables[0], tables[1], 'the zone moves events across week boundaries in this data')
  const cut = await post('/v1/behaviour/cohorts', { scanLimit: 5 })
  t.same(cut.bounds, { scanned: 5, limit: 5, truncated: true, source: 'scan' })
})

t.test('malformed requests get a 400 with paths; keys are checked', async t => {
  const bad: Array<[string, object, string]> = [
    ['funnel', { steps: [['registration']] }, '/steps'],
    ['funnel', { steps: [['registration'], ['deposit']], window: 'soon' }, '/window'],
    ['funnel', { steps: [['registration'], ['deposit']], window: '400d' }, '/window'],
    ['funnel', { steps: [['registration'], ['Deposit!']] }, '/steps/1/0'],
    ['funnel', { steps: [['a'], ['b']], query: 'event.action:(login or' }, '/query'],
    ['funnel', { steps: [['a'], ['b']], filters: { category: ['nope'] } }, '/filters/category/0'],
    ['funnel', { steps: [['a'], ['b']], filters: { period: { from: 'yesterday' } } }, '/filters/period/from'],
    ['funnel', { steps: [['a'], ['b']], scanLimit: 0 }, '/scanLimit'],
    ['funnel', { steps: [['a'], ['b']], scanLimit: 5_000_001 }, '/scanLimit'],
    ['next-actions', {}, '/action'],
    ['next-actions', { action: 'deposit', top: 0 }, '/top'],
    ['sessions', { nope: 1 }, '/nope'],
    ['cohorts', { weeks: 27 }, '/weeks'],
    ['cohorts', { timeZone: 'Mars/Olympus' }, '/timeZone']
  ]
  for (const [route, payload, path] of bad) {
    const res = await stack.api.app.inject({ method: 'POST', url: `/v1/behaviour/${route}`, headers: auth(KEYS.read), payload })
    t.equal(res.statusCode, 400, `${route} ${JSON.stringify(payload)} → 400`)
    t.equal(res.json().errors?.[0]?.path, path, `points at ${path}: ${res.json().errors?.[0]?.message}`)
  }
  const kql = await stack.api.app.inject({ method: 'POST', url: '/v1/behaviour/sessions', headers: auth(KEYS.read), payload: { query: 'nosuchfield:1' } })
  t.type(kql.json().errors?.[0]?.position, 'number', 'KQL errors carry their position')
  for (const route of ['funnel', 'next-actions', 'sessions', 'cohorts']) {
    t.equal((await stack.api.app.inject({ method: 'POST', url: `/v1/behaviour/${route}`, payload: {} })).statusCode, 401, `${route} without a key`)
    t.equal((await stack.api.app.inject({ method: 'POST', url: `/v1/behaviour/${route}`, headers: auth(KEYS.ingest), payload: {} })).statusCode, 403, `${route} without the read scope`)
  }
})
