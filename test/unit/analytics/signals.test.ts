import t from 'tap'
import { BurstDetector, isFailedSignIn, type BurstFigure } from '../../../src/analytics/signals/failed-logins.ts'
import { EARTH_RADIUS_KM, haversineKm, pointOf, TravelDetector, type TravelFigure } from '../../../src/analytics/signals/impossible-travel.ts'
import { ChangeWithdrawDetector, type ChangeWithdrawFigure } from '../../../src/analytics/signals/change-withdraw.ts'
import { candidateKeys, KEYS_PER_LIST, sharedKeysAggs, sharedSignals, userListAggs, userLists } from '../../../src/analytics/signals/shared-keys.ts'
import { evidenceOf, maskSignal, TopN, type Evidence, type Signal } from '../../../src/analytics/signals/common.ts'

const M = 60_000
const H = 60 * M
const ev = (id: string, time: number, action = 'login_failed', extra: Partial<Evidence> = {}): Evidence =>
  ({ id, '@timestamp': new Date(time).toISOString(), action, ...extra })

t.test('what counts as a failed sign-in', async t => {
  t.ok(isFailedSignIn('login_failed', 'failure'))
  t.ok(isFailedSignIn('login_failed', undefined), 'login_failed whatever its outcome')
  t.ok(isFailedSignIn('login', 'failure'))
  t.ok(isFailedSignIn('mfa_verified', 'failure'))
  t.notOk(isFailedSignIn('login', 'success'))
  t.notOk(isFailedSignIn('login', 'unknown'))
  t.notOk(isFailedSignIn('mfa_challenge', 'failure'))
  t.notOk(isFailedSignIn('logout', 'failure'))
})

t.test('bursts: exact sliding window, inclusive, densest window per key', async t => {
  const out: Array<Signal<BurstFigure>> = []
  const d = new BurstDetector(3, 10 * M, s => out.push(s))
  // k1: 3 failures exactly 10 minutes apart end to end (a burst), then 4 within 5 minutes an hour later.
  for (const [i, time] of [0, 5 * M, 10 * M, H, H + M, H + 2 * M, H + 5 * M].entries()) d.push('k1', time, `u${i % 2}`, `k1-${i}`)
  // k2: a near miss, 3 failures spread over 10 minutes and 1 ms.
  for (const [i, time] of [0, 5 * M, 10 * M + 1].entries()) d.push('k2', time, 'v', `k2-${i}`)
  // k3: 2 failures, below the threshold.
  d.push('k3', 0, 'w', 'k3-0')
  d.push('k3', 1, 'w', 'k3-1')
  d.finish()
  t.equal(out.length, 1, 'only k1')
  const s = out[0] as Signal<BurstFigure>
  t.equal(s.key, 'k1')
  t.same(s.figure, { failures: 4, threshold: 3, windowMs: 10 * M, from: new Date(H).toISOString(), to: new Date(H + 5 * M).toISOString(), distinctUsers: 2, totalFailures: 7 })
  t.same(s.evidence.map(e => e.id), ['k1-3', 'k1-4', 'k1-5', 'k1-6'])
  t.same(s.users.sort(), ['u0', 'u1'])

  const ties: Array<Signal<BurstFigure>> = []
  const d2 = new BurstDetector(2, M, x => ties.push(x))
  for (const time of [0, 10, 10 * M, 10 * M + 10]) d2.push('k', time, 'u', String(time))
  d2.finish()
  t.same([ties[0]?.figure.from, ties[0]?.figure.failures], [new Date(0).toISOString(), 2], 'the earliest of equally dense windows')
})

t.test('bursts: memory follows the window on a long stream', async t => {
  const out: Array<Signal<BurstFigure>> = []
  const d = new BurstDetector(5, 1000, s => out.push(s))
  // One failure every 300 ms for 20,000 events: at most 4 in any second, never 5.
  for (let i = 0; i < 20_000; i++) d.push('ip', i * 300, `u${i % 7}`, String(i))
  d.finish()
  t.same(out, [])
  const dense: Array<Signal<BurstFigure>> = []
  const d2 = new BurstDetector(5, 1000, s => dense.push(s))
  for (let i = 0; i < 20_000; i++) d2.push('ip', i * 100, `u${i % 150}`, String(i))
  d2.finish()
  t.equal(dense[0]?.figure.failures, 11, 'eleven in every 1,000 ms (both ends included)')
  t.equal(dense[0]?.figure.distinctUsers, 11)
  t.equal(dense[0]?.users.length, 11)
  t.equal(dense[0]?.evidence.length, 11)
})

t.test('haversine distance and travel speed', async t => {
  const london = { lat: 51.5074, lon: -0.1278 }
  const paris = { lat: 48.8566, lon: 2.3522 }
  t.ok(Math.abs(haversineKm(london, paris) - 343.5) < 1, `London–Paris ≈ 343.5 km (${haversineKm(london, paris).toFixed(1)})`)
  t.equal(haversineKm(paris, paris), 0)
  t.ok(Math.abs(haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 }) - Math.PI * EARTH_RADIUS_KM) < 1e-6, 'antipodes: half the circumference')
  t.ok(Math.abs(haversineKm({ lat: 90, lon: 0 }, { lat: -90, lon: 0 }) - Math.PI * EARTH_RADIUS_KM) < 1e-6, 'pole to pole')
  t.same(pointOf({ lat: 1, lon: 2 }), { lat: 1, lon: 2 })
  t.equal(pointOf('1, 2'), undefined)

  const out: Array<{ s: Signal<TravelFigure>, speed: number }> = []
  const d = new TravelDetector(1000, 100, (s, speed) => out.push({ s, speed }))
  const sydney = { lat: -33.8688, lon: 151.2093 }
  d.push('u1', 0, london, ev('a', 0, 'login'))
  d.push('u1', H, sydney, ev('b', H, 'login'))
  d.push('u1', 100 * H, paris, ev('c', 100 * H, 'login'))
  d.push('u2', 0, london, ev('d', 0, 'login'))
  d.push('u2', 1, { lat: 51.6, lon: -0.2 }, ev('e', 1, 'login'))
  d.push('u3', 5 * H, paris, ev('f', 5 * H, 'login'))
  d.push('u3', 5 * H, london, ev('g', 5 * H, 'login'))
  t.equal(out.length, 2, 'London→Sydney in 1 h and a simultaneous Paris/London; not the slow leg, not a 10 km hop, not across users')
  const far = out[0]?.s as Signal<TravelFigure>
  t.same(far.evidence.map(e => e.id), ['a', 'b'])
  t.equal(far.figure.hours, 1)
  t.equal(far.figure.speedKmh, far.figure.distanceKm)
  t.ok(far.figure.distanceKm > 16_900 && far.figure.distanceKm < 17_100)
  t.equal(out[1]?.s.figure.speedKmh, null, 'simultaneous: no finite speed')
  t.equal(out[1]?.speed, Number.POSITIVE_INFINITY)
})

t.test('change then withdraw', async t => {
  const out: Array<Signal<ChangeWithdrawFigure>> = []
  const d = new ChangeWithdrawDetector(24 * H, s => out.push(s))
  const w = (id: string, time: number, amount: number, currency = 'EUR', outcome = 'success'): [number, Evidence] =>
    [time, ev(id, time, 'withdrawal', { amount, currency, outcome })]
  const c = (id: string, time: number, action: string, outcome = 'success'): [number, Evidence] => [time, ev(id, time, action, { outcome })]
  const rows: Array<[string, [number, Evidence]]> = [
    ['u1', w('w0', 0, 5)], // before any change
    ['u1', c('c1', H, 'password_changed')],
    ['u1', w('w1', 3 * H, 100)],
    ['u1', w('w2', 25 * H, 50, 'USD', 'failure')], // exactly 24 h after the change: inside
    ['u1', w('w3', 25 * H + 1, 70)], // just outside
    ['u2', c('c2', 0, 'email_changed')],
    ['u2', w('w4', 24 * H + 1, 10)], // outside
    ['u3', c('c3', 0, 'password_changed', 'failure')], // a failed change is no change
    ['u3', w('w5', M, 10)],
    ['u4', c('c4', 0, 'mfa_disabled')],
    ['u4', c('c5', H, 'payout_details_changed')],
    ['u4', w('w6', 2 * H, 1000)],
    ['u5', c('c6', 0, 'settings_changed')], // not a change that counts
    ['u5', w('w7', M, 10)]
  ]
  for (const [user, [time, e]] of rows) d.push(user, time, e)
  d.finish()
  t.same(out.map(s => [s.key, s.figure.change, s.figure.elapsedMs, s.figure.withdrawals]), [
    ['u1', 'password_changed', 2 * H, 2],
    ['u4', 'mfa_disabled', 2 * H, 1],
    ['u4', 'payout_details_changed', H, 1]
  ])
  t.same(out[0]?.figure.amounts, [{ currency: 'EUR', amount: 100 }, { currency: 'USD', amount: 50 }])
  t.same(out[0]?.evidence.map(e => e.id), ['c1', 'w1', 'w2'])
})

t.test('shared devices and addresses: candidates checked against the exact users', async t => {
  const aggs = sharedKeysAggs('audit.device.id', 3, 2)
  t.match(aggs, { keys: { terms: { field: 'audit.device.id', size: 2, min_doc_count: 3, order: [{ users: 'desc' }, { _key: 'asc' }] }, aggs: { users: { cardinality: { field: 'user.id' } } } } })
  t.notOk('list' in (aggs.keys?.aggs ?? {}), 'users are listed by later searches, a few keys at a time')
  t.match(userListAggs('audit.device.id', KEYS_PER_LIST), { keys: { terms: { field: 'audit.device.id', size: KEYS_PER_LIST }, aggs: { list: { terms: { field: 'user.id', size: 1000 } } } } })
  t.ok(KEYS_PER_LIST * 1000 < 65_536, 'one list search stays under Elasticsearch\'s bucket limit')
  const candidate = (key: string, users: number, estimate = users) => ({ key, doc_count: users * 2, users: { value: estimate } })
  const list = (key: string, users: string[], other = 0) => ({ key, doc_count: users.length * 2, list: { buckets: users.map(u => ({ key: u })), sum_other_doc_count: other } })
  const found = { keys: { buckets: [candidate('d1', 4), candidate('d2', 2)], sum_other_doc_count: 5 } } as never
  t.same(candidateKeys(found), ['d1', 'd2'])
  const lists = userLists([{ keys: { buckets: [list('d1', ['a', 'b', 'c', 'd'])] } }, { keys: { buckets: [list('d2', ['a', 'b'])] } }] as never)
  const r = sharedSignals(found, lists, 3, 2)
  t.same(r.signals.map(s => [s.key, s.users, s.figure]), [['d1', ['a', 'b', 'c', 'd'], { users: 4, complete: true, minUsers: 3, events: 8 }]])
  t.same(r.bounds, { scanned: 2, limit: 2, truncated: false }, 'the last candidate fell short: nothing beyond can qualify')
  const full = sharedSignals({ keys: { buckets: [candidate('d1', 3), candidate('d2', 3, 1450)], sum_other_doc_count: 5 } } as never,
    userLists([{ keys: { buckets: [list('d1', ['a', 'b', 'c']), list('d2', ['a', 'b', 'c'], 7)] } }] as never), 3, 2)
  t.same(full.bounds, { scanned: 2, limit: 2, truncated: true })
  t.same(full.signals[1]?.figure, { users: 1450, complete: false, minUsers: 3, events: 6 }, 'beyond the list, the estimate')
})

t.test('top-N, evidence and masking', async t => {
  const top = new TopN<string>(2)
  for (const [item, score] of [['a', 1], ['b', 5], ['c', 5], ['d', Number.POSITIVE_INFINITY], ['e', 0]] as const) top.add(item, score)
  t.same(top.list(), ['d', 'b'])
  t.equal(top.found, 5)
  const big = new TopN<number>(3)
  for (let i = 0; i < 1000; i++) big.add(i, i % 100)
  t.same(big.list(), [99, 199, 299], 'equal scores keep the order they came in')

  const e = evidenceOf('x', 0, { 'event.action': 'login', 'event.outcome': 'success', 'user.id': 'u', 'source.ip': '81.2.69.142', 'source.geo.country_iso_code': 'GB', 'audit.money.amount': 5, 'audit.money.currency': 'EUR' })
  t.same(e, { id: 'x', '@timestamp': '1970-01-01T00:00:00.000Z', action: 'login', outcome: 'success', userId: 'u', ip: '81.2.69.142', country: 'GB', amount: 5, currency: 'EUR' })
  const s: Signal<object> = { key: '81.2.69.142', users: ['u'], figure: {}, evidence: [e, evidenceOf('y', 0, { 'event.action': 'login' })] }
  const masked = maskSignal(s, true)
  t.equal(masked.key, '81.2.69.x')
  t.same(masked.evidence.map(x => x.ip), ['81.2.69.x', undefined])
  t.same(masked.users, ['u'], 'user ids are pseudonymous and stay')
  t.equal(maskSignal({ ...s, key: 'u' }, false).key, 'u')
  t.equal(s.evidence[0]?.ip, '81.2.69.142', 'the original is untouched')
})
