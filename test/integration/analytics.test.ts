import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { IPS, UA } from '../helpers/events.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR
const N = 360
// Midnight UTC 20 days ago; the events span about 16 days with an empty gap of 3 days in the middle.
const T0 = Math.floor(Date.now() / DAY) * DAY - 20 * DAY

/** One seeded event and the facts the expected answers are computed from. */
interface Fact {
  id: string, time: number, tenant: string, user: string, session: string, action: string, category: string, outcome: string
  level: string, score: number, amount?: number, currency?: string, direction?: string, operator?: string
  ip: string, country?: string, device: string, deviceId?: string
}

const PLACES = [
  { ip: IPS.london, country: 'GB' }, { ip: IPS.france, country: 'FR' }, { ip: IPS.germany, country: 'DE' }, { ip: IPS.us, country: 'US' },
  { ip: '10.20.30.40' }, { ip: '212.27.48.10', country: 'FR' }, { ip: '2a01:e0a:2::5', country: 'FR' }
]
const DEVICES = [{ ua: UA.chromeWindows, device: 'desktop' }, { ua: UA.safariIphone, device: 'mobile' }, { ua: UA.firefoxLinux, device: 'desktop' }, { ua: UA.chromeTablet, device: 'tablet' }]
// Levels and scores as the documented rule table gives them.
const KINDS: Array<(i: number) => Partial<Fact> & { action: string, category: string, level: string, score: number }> = [
  () => ({ action: 'login', category: 'authentication', outcome: 'success', level: 'low', score: 20 }),
  () => ({ action: 'login', category: 'authentication', outcome: 'failure', level: 'medium', score: 35 }),
  i => ({ action: 'deposit', category: 'money', amount: (i * 7) % 500 + 10, direction: 'in', level: 'medium', score: 40 }),
  i => ({ action: 'withdrawal', category: 'money', amount: (i * 13) % 1500 + 1, direction: 'out', ...((i * 13) % 1500 + 1 >= 1000 ? { level: 'high', score: 80 } : { level: 'medium', score: 55 }) }),
  i => ({ action: 'bet_placed', category: 'gaming', amount: i % 40 + 1, direction: 'out', level: 'low', score: 15 }),
  i => ({ action: 'bet_won', category: 'gaming', amount: (i % 30) * 2, direction: 'in', level: 'low', score: 15 }),
  () => ({ action: 'promo_code_redeemed', category: 'money', amount: 5, level: 'medium', score: 40 }),
  i => ({ action: 'balance_adjusted', category: 'money', amount: 100, operator: `op-${i % 2 + 1}`, level: 'critical', score: 85 }),
  () => ({ action: 'email_changed', category: 'profile', level: 'high', score: 70 }),
  () => ({ action: 'page_viewed', category: 'ui', level: 'low', score: 5 }),
  i => ({ action: 'role_changed', category: 'profile', operator: `op-${i % 2 + 1}`, level: 'critical', score: 95 }),
  () => ({ action: 'ticket_created', category: 'support', level: 'low', score: 20 })
]

const facts: Fact[] = Array.from({ length: N }, (_, i) => {
  const k = (KINDS[i % KINDS.length] as (i: number) => Partial<Fact> & { action: string, category: string, level: string, score: number })(i)
  const place = PLACES[i % PLACES.length] as { ip: string, country?: string }
  const user = `u-${i % 11}`
  return {
    outcome: 'success', ...k, id: `an-${i}`, time: T0 + i * 53 * MIN + (i >= N / 2 ? 3 * DAY : 0), tenant: i % 9 === 0 ? 'brand-a' : 'default',
    user, session: `s-${user}-${Math.floor(i / 60)}`, ...(k.amount === undefined ? {} : { currency: ['EUR', 'USD', 'BTC'][i % 3] as string }),
    ip: place.ip, ...(place.country === undefined ? {} : { country: place.country }),
    device: (DEVICES[i % 4] as { device: string }).device, ...(i % 5 === 0 ? {} : { deviceId: `d-${i % 4}` })
  }
})

const body = (f: Fact, i: number): Record<string, unknown> => ({
  '@timestamp': new Date(f.time).toISOString(),
  event: { id: f.id, action: f.action, outcome: f.outcome },
  user: { id: f.user, email: `${f.user}@example.com` },
  source: { ip: f.ip },
  user_agent: { original: (DEVICES[i % 4] as { ua: string }).ua },
  audit: {
    tenant: f.tenant, session: { id: f.session },
    ...(f.deviceId === undefined ? {} : { device: { id: f.deviceId } }),
    ...(f.amount === undefined ? {} : { money: { amount: f.amount, currency: f.currency } }),
    ...(f.operator === undefined ? {} : { actor: { type: 'operator', id: f.operator, name: 'Zoë Martin' } })
  }
})

let stack: Stack
t.before(async () => {
  stack = await startStack(t)
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: facts.map(body) } })
  if (res.statusCode !== 202) throw new Error(res.body)
  if (await stack.waitForCount(N) !== N) throw new Error('seed not indexed')
})

async function call (url: string, payload?: object, key = KEYS.read): Promise<{ status: number, json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await stack.api.app.inject({ method: payload === undefined ? 'GET' : 'POST', url, headers: auth(key), ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, json: res.json() }
}
async function ok (url: string, payload?: object, key = KEYS.read): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await call(url, payload, key)
  if (r.status !== 200) throw new Error(`${url} → ${r.status} ${JSON.stringify(r.json)}`)
  return r.json
}
const aggregate = async (payload: object, key = KEYS.read) => await ok('/v1/events/aggregate', payload, key)

// ---- truth, computed from the facts alone
const distinct = <T>(xs: T[]): number => new Set(xs).size
const countBy = (fs: Fact[], key: (f: Fact) => string | undefined): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const f of fs) { const k = key(f); if (k !== undefined) out[k] = (out[k] ?? 0) + 1 }
  return out
}
const amountStats = (fs: Fact[]) => {
  const xs = fs.filter(f => f.amount !== undefined).map(f => f.amount as number)
  const sum = xs.reduce((a, b) => a + b, 0)
  return { count: xs.length, sum, avg: xs.length === 0 ? null : sum / xs.length, min: xs.length === 0 ? null : Math.min(...xs), max: xs.length === 0 ? null : Math.max(...xs) }
}
/** Groups by key, most events first, ties by key, as the API lists them. */
const ranked = (counts: Record<string, number>): Array<[string, number]> => Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
const isoIn = (ms: number, offsetMin: number): string => {
  if (offsetMin === 0) return new Date(ms).toISOString()
  const a = Math.abs(offsetMin)
  return `${new Date(ms + offsetMin * MIN).toISOString().slice(0, 23)}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`
}

t.test('groups: counts, metrics, nesting, top-N, order', async t => {
  const byCategory = await aggregate({ groupBy: [{ field: 'category' }], metrics: ['uniqueUsers', 'uniqueIps', 'amount'] })
  t.equal(byCategory.total, N)
  t.same(byCategory.groups.map((g: { key: string, count: number }) => [g.key, g.count]), ranked(countBy(facts, f => f.category)))
  for (const g of byCategory.groups) {
    const fs = facts.filter(f => f.category === g.key)
    t.same(g.metrics, { uniqueUsers: distinct(fs.map(f => f.user)), uniqueIps: distinct(fs.map(f => f.ip)), amount: amountStats(fs) }, `metrics of ${g.key}`)
  }
  t.match(byCategory, { complete: true, exact: true, otherCount: 0, missingCount: 0 })

  const nested = await aggregate({ groupBy: [{ field: 'action', size: 100 }, { field: 'audit.money.currency', size: 100 }], metrics: ['amount'] })
  t.same(nested.groups.map((g: { key: string }) => g.key), ranked(countBy(facts, f => f.action)).map(([k]) => k))
  for (const g of nested.groups) {
    const fs = facts.filter(f => f.action === g.key)
    t.same(g.groups.map((s: { key: string, count: number }) => [s.key, s.count]), ranked(countBy(fs, f => f.currency)), `currencies of ${g.key}`)
    for (const s of g.groups) t.same(s.metrics.amount, amountStats(fs.filter(f => f.currency === s.key)))
    t.equal(g.missingCount, fs.filter(f => f.currency === undefined).length, `${g.key}: events without a currency`)
  }

  const top = await aggregate({ groupBy: [{ field: 'user.id', size: 3 }] })
  const users = ranked(countBy(facts, f => f.user))
  t.same(top.groups.map((g: { key: string, count: number }) => [g.key, g.count]), users.slice(0, 3))
  t.equal(top.otherCount, users.slice(3).reduce((n, [, c]) => n + c, 0))
  t.equal(top.complete, false)

  const countries = await aggregate({ groupBy: [{ field: 'country', order: { by: 'amount.sum', direction: 'desc' } }], metrics: ['amount'] })
  const sums = Object.entries(countBy(facts, f => f.country)).map(([c]) => [c, amountStats(facts.filter(f => f.country === c)).sum] as [string, number])
  t.same(countries.groups.map((g: { key: string, metrics: { amount: { sum: number } } }) => [g.key, g.metrics.amount.sum]), sums.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
  t.equal(countries.missingCount, facts.filter(f => f.country === undefined).length, 'private addresses have no country')

  const byKey = await aggregate({ groupBy: [{ field: 'importance', order: { by: 'key' } }, { field: 'operator' }] })
  const ops = facts.filter(f => f.operator !== undefined)
  t.equal(byKey.total, ops.length, 'grouping by operator counts operator actions')
  t.same(byKey.groups.map((g: { key: string, count: number }) => [g.key, g.count]), Object.entries(countBy(ops, f => f.level)).sort())
  t.same(byKey.groups[0].groups.map((g: { key: string, count: number }) => [g.key, g.count]), ranked(countBy(ops.filter(f => f.level === byKey.groups[0].key), f => f.operator)))

  const filtered = await aggregate({ filters: { outcome: ['success'], deviceType: ['desktop'] }, query: 'audit.money.amount >= 100', groupBy: [{ field: 'device' }, { field: 'source.ip', size: 50 }] })
  const sel = facts.filter(f => f.outcome === 'success' && f.device === 'desktop' && (f.amount ?? -1) >= 100)
  t.equal(filtered.total, sel.length)
  // Addresses tie in address order, not string order: compare the counts.
  const ips = filtered.groups[0].groups.map((g: { key: string, count: number }) => [g.key, g.count]) as Array<[string, number]>
  t.same(Object.fromEntries(ips), countBy(sel.filter(f => f.device === filtered.groups[0].key), f => f.ip), 'filters and KQL apply')
  t.same(ips.map(([, c]) => c), ips.map(([, c]) => c).sort((x, y) => y - x), 'busiest first')
})

t.test('date groups: calendar days in zones with empty days, fixed intervals, date under a field', async t => {
  const first = T0
  const last = (facts.at(-1) as Fact).time
  for (const [zone, offset] of [['UTC', 0], ['Asia/Kolkata', 330], ['-05:00', -300]] as const) {
    const from = first - 2 * DAY
    const to = last + 2 * DAY
    const res = await aggregate({ filters: { period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } }, groupBy: [{ field: 'date', interval: 'day', timeZone: zone }], metrics: ['uniqueUsers'] })
    const dayOf = (ms: number): number => Math.floor((ms + offset * MIN) / DAY) * DAY - offset * MIN
    const expected: Array<[string, number, number]> = []
    for (let d = dayOf(from); d <= to; d += DAY) {
      const fs = facts.filter(f => dayOf(f.time) === d)
      expected.push([isoIn(d, offset), fs.length, distinct(fs.map(f => f.user))])
    }
    t.same(res.groups.map((g: { key: string, count: number, metrics: { uniqueUsers: number } }) => [g.key, g.count, g.metrics.uniqueUsers]), expected, `days in ${zone}`)
    t.ok(expected.filter(e => e[1] === 0).length >= 5, `${zone}: empty days at both ends and in the gap are listed`)
  }

  const sixHours = await aggregate({ groupBy: [{ field: 'date', interval: '6h' }] })
  const slot = (ms: number): number => Math.floor(ms / (6 * HOUR)) * 6 * HOUR
  const slots: Array<[string, number]> = []
  for (let s = slot(first); s <= last; s += 6 * HOUR) slots.push([new Date(s).toISOString(), facts.filter(f => slot(f.time) === s).length])
  t.same(sixHours.groups.map((g: { key: string, count: number }) => [g.key, g.count]), slots, 'fixed interval over the data, zeros inside')

  const weekly = await aggregate({ groupBy: [{ field: 'outcome' }, { field: 'date', interval: 'week' }] })
  const monday = (ms: number): number => { const d = Math.floor(ms / DAY) * DAY; return d - ((new Date(d).getUTCDay() + 6) % 7) * DAY }
  for (const g of weekly.groups) {
    // Without a period, a group's weeks run from its own first event to its own last.
    const fs = facts.filter(f => f.outcome === g.key)
    const times = fs.map(f => f.time)
    const weeks: Array<[string, number]> = []
    for (let w = monday(Math.min(...times)), end = Math.max(...times); w <= end; w += 7 * DAY) weeks.push([new Date(w).toISOString(), fs.filter(f => monday(f.time) === w).length])
    t.same(g.groups.map((s: { key: string, count: number }) => [s.key, s.count]), weeks, `weeks of ${g.key}`)
  }
})

t.test('composite paging walks every group exactly once', async t => {
  const seen = new Map<string, number>()
  let after: string | undefined
  let pages = 0
  do {
    const page = await aggregate({ groupBy: [{ field: 'date', interval: 'day' }, { field: 'action' }], metrics: ['amount'], page: { size: 7, ...(after === undefined ? {} : { after }) } })
    pages++
    for (const g of page.groups) {
      const id = g.keys.join('|')
      t.notOk(seen.has(id), `${id} once`)
      seen.set(id, g.count)
    }
    after = page.after ?? undefined
  } while (after !== undefined && pages < 100)
  const truth = countBy(facts, f => `${new Date(Math.floor(f.time / DAY) * DAY).toISOString()}|${f.action}`)
  t.same(Object.fromEntries([...seen].sort()), Object.fromEntries(Object.entries(truth).sort()), 'every non-empty (day, action) with its count')
  t.ok(pages > 10, `${pages} pages`)

  const walk = async (key: string): Promise<string[]> => {
    const keys: string[] = []
    let next: string | null = null
    do {
      const page: { groups: Array<{ key: string }>, after: string | null } = await aggregate({ groupBy: [{ field: 'user.id', order: { by: 'key', direction: 'desc' } }], page: { size: 4, ...(next === null ? {} : { after: next }) } }, key)
      keys.push(...page.groups.map(g => g.key))
      next = page.after
    } while (next !== null)
    return keys
  }
  t.same(await walk(KEYS.read), [...new Set(facts.map(f => f.user))].sort().reverse(), 'every user, in key order')
  t.same(await walk(KEYS.aRead), [...new Set(facts.filter(f => f.tenant === 'brand-a').map(f => f.user))].sort().reverse(), 'a tenant key walks its tenant only')
})

t.test('session summary', async t => {
  const id = 's-u-3-0'
  const fs = facts.filter(f => f.session === id).sort((a, b) => a.time - b.time)
  const s = await ok(`/v1/sessions/${id}/summary`)
  const money: Record<string, { in: number, out: number, other: number, events: number }> = {}
  for (const f of fs.filter(f => f.amount !== undefined)) {
    const m = money[f.currency as string] ??= { in: 0, out: 0, other: 0, events: 0 }
    m[(f.direction ?? 'other') as 'in' | 'out' | 'other'] += f.amount as number
    m.events++
  }
  t.ok(Object.keys(money).length >= 2 && fs.some(f => f.operator !== undefined), 'the session has money in two currencies and operator actions')
  const best = [...fs].sort((a, b) => b.score - a.score || b.time - a.time)[0] as Fact
  t.same(s.total, fs.length)
  t.same(s.users, ['u-3'])
  t.equal(s.start, new Date(fs[0]?.time as number).toISOString())
  t.equal(s.end, new Date(fs.at(-1)?.time as number).toISOString())
  t.equal(s.durationMs, (fs.at(-1)?.time as number) - (fs[0]?.time as number))
  t.same(s.byCategory, countBy(fs, f => f.category))
  t.same(s.byOutcome, countBy(fs, f => f.outcome))
  t.same([...s.ips.values].sort(), [...new Set(fs.map(f => f.ip))].sort())
  t.equal(s.ips.count, distinct(fs.map(f => f.ip)))
  t.same([...s.countries.values].sort(), [...new Set(fs.flatMap(f => f.country ?? []))].sort())
  t.same(s.devices.types, countBy(fs, f => f.device))
  t.same([...s.devices.ids.values].sort(), [...new Set(fs.flatMap(f => f.deviceId ?? []))].sort())
  t.same(Object.fromEntries(s.money.map((m: { currency: string, in: number, out: number, net: number, other: number, events: number }) => [m.currency, m])),
    Object.fromEntries(Object.entries(money).map(([c, m]) => [c, { currency: c, ...m, net: m.in - m.out }])))
  t.match(s.highestImportance, { level: best.level, score: best.score, event: { id: best.id } })
  t.same(s.operatorActions.events.map((e: { id: string }) => e.id), fs.filter(f => f.operator !== undefined).map(f => f.id))
  t.equal(s.operatorActions.total, fs.filter(f => f.operator !== undefined).length)
  t.equal((await call('/v1/sessions/none-such/summary')).status, 404)
  t.equal((await call(`/v1/sessions/${id}/summary`, undefined, KEYS.aRead)).status, fs.some(f => f.tenant === 'brand-a') ? 200 : 404)
  for (const tenant of ['brand-a', 'default']) {
    const theirs = fs.filter(f => f.tenant === tenant)
    const one = await call(`/v1/sessions/${id}/summary?tenant=${tenant}`)
    t.equal(one.status, theirs.length === 0 ? 404 : 200, `the session in ${tenant}`)
    if (theirs.length > 0) t.equal(one.json.total, theirs.length, `${tenant}'s events of the session only`)
  }
  t.equal((await call(`/v1/sessions/${id}/summary?tenant=default`, undefined, KEYS.aRead)).status, 403)
})

t.test('period summary against the previous period', async t => {
  const from = T0 + 8 * DAY
  const to = T0 + 14 * DAY - 1
  const cur = facts.filter(f => f.time >= from && f.time <= to)
  const prev = facts.filter(f => f.time >= from - 6 * DAY && f.time < from)
  const rows = (key: (f: Fact) => string) => {
    const a = countBy(cur, key)
    const b = countBy(prev, key)
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].map(k => {
      const c = a[k] ?? 0
      const p = b[k] ?? 0
      return { key: k, current: c, previous: p, change: c - p, changePct: p === 0 ? null : Math.round((c - p) / p * 1000) / 10 }
    }).sort((x, y) => y.current - x.current || y.previous - x.previous || (x.key < y.key ? -1 : 1))
  }
  const s = await ok('/v1/analytics/period-summary', { filters: { period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } } })
  t.same(s.period, { from: new Date(from).toISOString(), to: new Date(to).toISOString() })
  t.same(s.previous, { from: new Date(from - 6 * DAY).toISOString(), to: new Date(from - 1).toISOString() })
  t.ok(cur.length > 0 && prev.length > 0 && cur.length !== prev.length, `a meaningful comparison (${cur.length} against ${prev.length})`)
  t.same(s.totals, rows(() => 'all')[0])
  t.equal(s.total, cur.length)
  t.same(s.byCategory, rows(f => f.category))
  t.same(s.byAction, rows(f => f.action))
  t.same(s.byOutcome, rows(f => f.outcome))
  t.same(s.byImportance, rows(f => f.level))

  // Date math in a zone: the windows match the ones Elasticsearch resolves for search.
  const period = { from: 'now-15d/d', to: 'now-8d/d', timeZone: 'Asia/Kolkata' }
  const zoned = await ok('/v1/analytics/period-summary', { filters: { period, category: ['money'] }, query: 'not event.outcome:failure' })
  const searched = await ok('/v1/events/search', { filters: { period, category: ['money'] }, query: 'not event.outcome:failure', size: 1 })
  t.equal(zoned.total, searched.total, 'same events as search with the same period')
  const dayStart = (ms: number): number => Math.floor((ms + 330 * MIN) / DAY) * DAY - 330 * MIN
  const zFrom = dayStart(Date.now() - 15 * DAY)
  const zTo = dayStart(Date.now() - 8 * DAY) + DAY - 1
  t.same(zoned.period, { from: new Date(zFrom).toISOString(), to: new Date(zTo).toISOString() })
  t.equal(zoned.totals.previous, facts.filter(f => f.category === 'money' && f.outcome !== 'failure' && f.time >= zFrom - (zTo - zFrom + 1) && f.time < zFrom).length)

  const bad = await call('/v1/analytics/period-summary', { filters: { period: { from: 'now-7d' } } })
  t.equal(bad.status, 400)
  t.equal(bad.json.errors[0].path, '/filters/period/to')
})

t.test('user summary', async t => {
  const from = T0 + 3 * DAY
  const to = T0 + 9 * DAY - 1
  const mine = facts.filter(f => f.user === 'u-4')
  const cur = mine.filter(f => f.time >= from && f.time <= to)
  const prev = mine.filter(f => f.time >= from - 6 * DAY && f.time < from)
  const s = await ok(`/v1/users/u-4/summary?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)
  t.equal(s.userId, 'u-4')
  t.equal(s.firstSeen, new Date(Math.min(...mine.map(f => f.time))).toISOString(), 'first seen over all time')
  t.equal(s.lastSeen, new Date(Math.max(...mine.map(f => f.time))).toISOString())
  t.equal(s.total, cur.length)
  t.same(s.totals, { key: 'all', current: cur.length, previous: prev.length, change: cur.length - prev.length, changePct: prev.length === 0 ? null : Math.round((cur.length - prev.length) / prev.length * 1000) / 10 })
  t.same(Object.fromEntries(s.byCategory.map((r: { key: string, current: number }) => [r.key, r.current]).filter((r: [string, number]) => r[1] > 0)), countBy(cur, f => f.category))
  t.same([...s.ips.values].sort(), [...new Set(cur.map(f => f.ip))].sort())
  t.same(s.devices.types, countBy(cur, f => f.device))
  const inOut = (c: string, d: string): number => cur.filter(f => f.currency === c && f.direction === d).reduce((n, f) => n + (f.amount as number), 0)
  for (const m of s.money) t.same([m.in, m.out], [inOut(m.currency, 'in'), inOut(m.currency, 'out')], `money in ${m.currency}`)
  t.equal((await call('/v1/users/nobody/summary')).status, 404)
  // Two tenants may use the same user id: a platform key names the tenant it means, a tenant key its own only.
  const period = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`
  t.ok(new Set(mine.map(f => f.tenant)).size === 2, 'u-4 is a user of both tenants')
  for (const tenant of ['brand-a', 'default']) {
    const theirs = mine.filter(f => f.tenant === tenant)
    const one = await ok(`/v1/users/u-4/summary?${period}&tenant=${tenant}`)
    t.equal(one.total, cur.filter(f => f.tenant === tenant).length, `${tenant}'s u-4 only`)
    t.equal(one.firstSeen, new Date(Math.min(...theirs.map(f => f.time))).toISOString())
  }
  t.same(await ok(`/v1/users/u-4/summary?${period}&tenant=brand-a`, undefined, KEYS.aRead), await ok(`/v1/users/u-4/summary?${period}`, undefined, KEYS.aRead), 'a tenant key may name its own tenant')
  t.equal((await call(`/v1/users/u-4/summary?${period}&tenant=default`, undefined, KEYS.aRead)).status, 403, 'and no other')
  const bad = await call('/v1/users/u-4/summary?from=yesterday&tz=Mars/Base')
  t.equal(bad.status, 400)
  t.equal(bad.json.errors[0].path, '/querystring/tz')
})

t.test('importance ranking: top events and risky users', async t => {
  const order = (a: Fact, b: Fact): number => b.score - a.score || b.time - a.time || (a.id < b.id ? -1 : 1)
  const top = await ok('/v1/analytics/top-events', { filters: { userId: ['u-5'] }, size: 1000 })
  t.same(top.events.map((e: { id: string }) => e.id), facts.filter(f => f.user === 'u-5').sort(order).map(f => f.id))
  const few = await ok('/v1/analytics/top-events', { size: 5, query: 'not audit.importance.level:critical' })
  t.same(few.events.map((e: { id: string }) => e.id), facts.filter(f => f.level !== 'critical').sort(order).slice(0, 5).map(f => f.id))

  const risky = facts.filter(f => f.level === 'high' || f.level === 'critical')
  const expected = [...new Set(risky.map(f => f.user))].map(u => {
    const fs = risky.filter(f => f.user === u)
    return { userId: u, events: fs.length, byLevel: countBy(fs, f => f.level), maxScore: Math.max(...fs.map(f => f.score)), lastSeen: new Date(Math.max(...fs.map(f => f.time))).toISOString() }
  }).sort((a, b) => b.events - a.events || b.maxScore - a.maxScore || (a.userId < b.userId ? -1 : 1))
  const all = await ok('/v1/analytics/risky-users', { size: 50 })
  t.same(all.users, expected)
  t.match(all, { total: risky.length, complete: true, exact: true })
  const three = await ok('/v1/analytics/risky-users', { size: 3, filters: { period: { from: new Date(T0).toISOString(), to: new Date(T0 + 7 * DAY).toISOString() } } })
  const inWeek = risky.filter(f => f.time <= T0 + 7 * DAY)
  t.same(three.users.map((u: { userId: string, events: number }) => [u.userId, u.events]), ranked(countBy(inWeek, f => f.user)).slice(0, 3))
})

t.test('tenants and masking', async t => {
  const a = facts.filter(f => f.tenant === 'brand-a')
  const mine = await aggregate({ groupBy: [{ field: 'category' }] }, KEYS.aRead)
  t.same(mine.groups.map((g: { key: string, count: number }) => [g.key, g.count]), ranked(countBy(a, f => f.category)), 'a tenant key counts its tenant only')
  const masked = await stack.api.app.inject({ method: 'POST', url: '/v1/events/aggregate', headers: auth(KEYS.aMasked), payload: { groupBy: [{ field: 'source.ip', size: 100 }] } })
  t.equal(masked.statusCode, 400, 'masked keys do not group on addresses: counts per address would tell apart what the masked form hides')
  t.match(masked.json().errors, [{ path: '/groupBy/0/field', message: 'field "source.ip" is masked for this key' }])
  const top = await ok('/v1/analytics/top-events', { size: 3 }, KEYS.aMasked)
  t.match(top.events[0].event, { user: { email: /^u\*\*\*@example\.com$/ } })
  const s = await ok(`/v1/sessions/${(a[0] as Fact).session}/summary`, undefined, KEYS.aMasked)
  t.ok(s.ips.values.every((v: string) => v.endsWith('x')))
})

t.test('limits and malformed requests: 400 with the path', async t => {
  const cases: Array<[string, object, string]> = [
    ['/v1/events/aggregate', { groupBy: [{ field: 'action', size: 1000 }, { field: 'user.id', size: 1000 }] }, '/groupBy'],
    ['/v1/events/aggregate', { filters: { period: { from: 'now-30d', to: 'now' } }, groupBy: [{ field: 'date', interval: 'minute' }] }, '/groupBy'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'date', interval: '1m' }] }, '/groupBy'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'message' }] }, '/groupBy/0/field'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'source.geo.location' }] }, '/groupBy/0/field'],
    ['/v1/events/aggregate', { groupBy: [] }, '/groupBy'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'action', size: 1001 }] }, '/groupBy/0/size'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'action' }], query: 'event.action:(login or' }, '/query'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'action' }], filters: { category: ['nope'] } }, '/filters/category/0'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'action' }], page: { after: 'forged' } }, '/page/after'],
    ['/v1/events/aggregate', { groupBy: [{ field: 'action' }], extra: 1 }, '/extra'],
    ['/v1/analytics/period-summary', { filters: { period: { from: 'now', to: 'now-1d' } } }, '/filters/period'],
    ['/v1/analytics/top-events', { size: 0 }, '/size'],
    ['/v1/analytics/risky-users', { levels: ['severe'] }, '/levels/0'],
    ['/v1/analytics/risky-users', { filters: { ip: ['10.0.0.0/99'] } }, '/filters/ip/0']
  ]
  for (const [url, payload, path] of cases) {
    const r = await call(url, payload)
    t.equal(r.status, 400, `${url} ${JSON.stringify(payload)} → 400`)
    t.equal(r.json.errors?.[0]?.path, path, `points at ${path}: ${r.json.errors?.[0]?.message}`)
  }
})

t.test('every analytics route needs a key with the read scope', async t => {
  const routes: Array<['GET' | 'POST', string, object?]> = [
    ['POST', '/v1/events/aggregate', { groupBy: [{ field: 'action' }] }], ['POST', '/v1/analytics/period-summary', { filters: { period: { from: 'now-1d', to: 'now' } } }],
    ['POST', '/v1/analytics/top-events', {}], ['POST', '/v1/analytics/risky-users', {}],
    ['GET', '/v1/sessions/s-u-3-0/summary'], ['GET', '/v1/users/u-4/summary']
  ]
  for (const [method, url, payload] of routes) {
    const opts = { method, url, ...(payload === undefined ? {} : { payload }) }
    t.equal((await stack.api.app.inject(opts)).statusCode, 401, `${url} without a key`)
    t.equal((await stack.api.app.inject({ ...opts, headers: auth('not-a-key-of-this-service') })).statusCode, 401, `${url} with an unknown key`)
    t.equal((await stack.api.app.inject({ ...opts, headers: auth(KEYS.ingest) })).statusCode, 403, `${url} with an ingest key`)
  }
})
