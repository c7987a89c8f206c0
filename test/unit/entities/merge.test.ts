import t from 'tap'
import fc from 'fast-check'
import { canonicalIp, type EntityEvent } from '../../../src/entities/entity-event.ts'
import { addEvent, addTotals, applyContributions, compactLedger, contributionOf, LEDGER_CAP, mergeStates } from '../../../src/entities/merge.ts'
import { addCapped, COHORT_DAYS, DAY_MS, emptyState, type Capped, type EntityState, type Kind } from '../../../src/entities/model.ts'
import { MAX_COHORT_WEEKS } from '../../../src/analytics/behaviour/cohorts.ts'
import { fromDoc, toDoc } from '../../../src/entities/codec.ts'
import { FIRST_STAMPS } from '../../../src/entities/occurrences.ts'

const H = 3_600_000
const NOW = Date.UTC(2026, 5, 1)
const GRACE = 72 * H

function ev (i: number, over: Partial<EntityEvent> = {}): EntityEvent {
  return {
    tenant: 't', id: `e-${i}`, time: NOW - i * H, ingested: NOW - H, action: ['login', 'deposit', 'bet_placed'][i % 3] as string,
    outcome: 'success', user: `u-${i % 4}`, device: `d-${i % 5}`, ip: `10.0.0.${i % 7}`, country: ['FR', 'GB'][i % 2] as string,
    lat: 48 + i % 3, lon: 2 + i % 2, amount: i % 3 === 1 ? 10.25 + i : undefined, currency: i % 3 === 1 ? 'EUR' : undefined,
    level: i % 5 === 0 ? 'high' : 'low', score: i % 5 === 0 ? 70 : 10, ...over
  } as EntityEvent
}

/** The state of one entity after these events, in this order, each event folded into a delta then merged. */
function fold (kind: Kind, key: string, events: EntityEvent[], fresh = true): EntityState {
  const s = emptyState('t', kind, key)
  for (const e of events) {
    const d = emptyState('t', kind, key)
    addEvent(d, e)
    mergeStates(s, d)
    if (kind === 'user') applyContributions(s, [contributionOf(e, fresh)], NOW, GRACE)
  }
  return s
}

const docOf = (s: EntityState): string => JSON.stringify(sorted(toDoc(s)))
function sorted (v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1).map(([k, x]) => [k, sorted(x)]))
  return v
}

t.test('any order, any repetition of the same events gives the same entity', async t => {
  const events = Array.from({ length: 24 }, (_, i) => ev(i)).filter(e => e.user === 'u-1')
  const reference = docOf(fold('user', 'u-1', events))
  await fc.assert(fc.property(fc.array(fc.nat(events.length - 1), { maxLength: events.length }), fc.array(fc.double({ noNaN: true }), { minLength: 2 * events.length, maxLength: 2 * events.length }), (again, keys) => {
    // Every event at least once, some of them again, in any order.
    const all = [...events, ...again.map(i => events[i] as EntityEvent)]
    const shuffled = all.map((e, i) => ({ e, k: keys[i] as number })).sort((a, b) => a.k - b.k).map(x => x.e)
    return docOf(fold('user', 'u-1', shuffled)) === reference
  }), { numRuns: 50 })
  const s = fold('user', 'u-1', events)
  t.equal(s.totals.events, events.length, 'each event counted once')
  t.equal(s.totals.money.get('deposit|EUR')?.n, events.filter(e => e.amount !== undefined).length)
})

t.test('a user of two years keeps the days of its cohort window, in any order, and counts every active day', async t => {
  t.ok(COHORT_DAYS >= (MAX_COHORT_WEEKS + 2) * 7, 'the window covers every week a cohort follows, in any zone')
  const events = Array.from({ length: 200 }, (_, i) => ev(i, { user: 'u-0', time: NOW - i * 3.7 * 24 * H }))
  const days = [...new Set(events.map(e => Math.floor(e.time / DAY_MS)))]
  const firstDay = Math.min(...days)
  const reference = fold('user', 'u-0', events)
  t.same([...reference.days.keys()].sort((a, b) => a - b), days.filter(d => d <= firstDay + COHORT_DAYS).sort((a, b) => a - b), 'the window\'s days and no later one')
  t.equal(reference.activeDays.size, days.length)
  await fc.assert(fc.property(fc.array(fc.double({ noNaN: true }), { minLength: events.length, maxLength: events.length }), keys => {
    // Newest first in part: the first event moves earlier as late events come, and days leave the window.
    const shuffled = events.map((e, i) => ({ e, k: keys[i] as number })).sort((a, b) => a.k - b.k).map(x => x.e)
    return docOf(fold('user', 'u-0', shuffled)) === docOf(reference)
  }), { numRuns: 30 })
  // A document written when `active` held every day: all of them counted, the window's kept.
  const { active_days: _days, ...earlier } = toDoc(reference)
  const old = fromDoc({ ...earlier, active: events.map(e => e.time) })
  t.equal(old.activeDays.size, days.length)
  t.same([...old.days.keys()].sort((a, b) => a - b), [...reference.days.keys()].sort((a, b) => a - b))
})

t.test('codec: a state survives its document', async t => {
  for (const kind of ['user', 'device', 'ip'] as const) {
    const events = Array.from({ length: 30 }, (_, i) => ev(i))
    const s = fold(kind, 'k', events)
    t.equal(docOf(fromDoc(toDoc(s))), docOf(s), kind)
  }
})

t.test('sums: the ledger, fresh events and the grace period', async t => {
  const s = emptyState('t', 'user', 'u')
  const e = ev(1, { amount: 5, currency: 'EUR' })
  applyContributions(s, [contributionOf(e, true)], NOW, GRACE)
  applyContributions(s, [contributionOf(e, false)], NOW, GRACE)
  applyContributions(s, [contributionOf(e, true)], NOW, GRACE)
  t.equal(s.totals.events, 1, 'an event in the ledger is not added again')
  const old = ev(2, { ingested: NOW - 100 * H, amount: 7, currency: 'EUR' })
  applyContributions(s, [contributionOf(old, false)], NOW, GRACE)
  t.equal(s.totals.events, 1, 'a duplicate ingested before the grace period was counted when it was stored')
  applyContributions(s, [contributionOf(old, true)], NOW, GRACE)
  t.equal(s.totals.events, 2, 'an event stored just now is new, however old its ingest time')
  t.equal(s.ledger.size, 1, 'only events ingested within the grace period are in the ledger')
  applyContributions(s, [], NOW + 2 * GRACE, GRACE)
  t.equal(s.ledger.size, 0, 'the ledger forgets what is older than the grace period')

  const rebuilt = emptyState('t', 'user', 'u')
  for (const x of [e, old]) { addEvent(rebuilt, x); addTotals(rebuilt, x, NOW, GRACE) }
  applyContributions(rebuilt, [contributionOf(e, false)], NOW, GRACE)
  t.equal(rebuilt.totals.events, 2, 'after a rebuild, a retried event is in the ledger')
  t.equal(rebuilt.totals.money.get('deposit|EUR')?.units, 500_000_000n, 'amounts in units of 10⁻⁸')
  t.equal(rebuilt.totals.money.get('bet_placed|EUR')?.units, 700_000_000n)
})

t.test('a busy user\'s ledger is bounded; what it still holds stays exact', async t => {
  const s = emptyState('t', 'user', 'busy')
  // Requests of 100 events each, ingested a second apart, all within the grace period.
  const requests = Math.ceil(LEDGER_CAP / 100) + 5
  const events = (r: number): EntityEvent[] => Array.from({ length: 100 }, (_, i) => ev(r * 100 + i, { user: 'busy', ingested: NOW - GRACE / 2 + r * 1000 }))
  for (let r = 0; r < requests; r++) applyContributions(s, events(r).map(e => contributionOf(e, true)), NOW, GRACE)
  t.equal(s.totals.events, requests * 100, 'every fresh event is added once')
  t.ok(s.ledger.size <= LEDGER_CAP, `the ledger holds ${s.ledger.size} entries, at most ${LEDGER_CAP}`)
  t.ok(s.ledger.size >= LEDGER_CAP * 0.9, 'and keeps most of them')
  const floor = s.ledgerFrom
  t.ok(floor > NOW - GRACE, 'its floor rose past the dropped requests')
  t.ok([...s.ledger.values()].every(i => i >= floor), 'no entry is older than the floor')

  // Retries: a request above the floor is in the ledger, one below it is taken as counted, either way nothing doubles.
  applyContributions(s, events(requests - 1).map(e => contributionOf(e, false)), NOW, GRACE)
  applyContributions(s, events(0).map(e => contributionOf(e, false)), NOW, GRACE)
  t.equal(s.totals.events, requests * 100, 'retried requests, recent or dropped from the ledger, add nothing')
  const back = fromDoc(toDoc(s))
  t.equal(back.ledgerFrom, floor, 'the floor is stored with the document')
  t.equal(back.ledger.size, s.ledger.size)
  t.equal(fromDoc(toDoc(emptyState('t', 'user', 'quiet'))).ledgerFrom, Number.NEGATIVE_INFINITY, 'a quiet user has none')

  const rebuilt = emptyState('t', 'user', 'busy')
  for (let r = 0; r < requests; r++) for (const e of events(r)) addTotals(rebuilt, e, NOW, GRACE)
  compactLedger(rebuilt, NOW - GRACE)
  t.ok(rebuilt.ledger.size <= LEDGER_CAP && rebuilt.ledgerFrom > NOW - GRACE, 'a rebuild bounds the ledger the same way')
  t.ok([...rebuilt.ledger.values()].every(i => i >= rebuilt.ledgerFrom), 'keeping the most recent requests')
  t.ok([...s.ledger.keys()].every(h => rebuilt.ledger.has(h) || (s.ledger.get(h) as number) < rebuilt.ledgerFrom), 'the same entries above its floor')
})

t.test('capped sets keep the smallest keys whatever the order', async t => {
  await fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 80 }), keys => {
    const set: Capped = { items: new Map(), more: false }
    keys.forEach((k, i) => addCapped(set, `k${String(k).padStart(2, '0')}`, { f: i, l: i }, 10))
    const distinct = [...new Set(keys)].sort((a, b) => a - b)
    const kept = [...set.items.keys()].sort()
    return JSON.stringify(kept) === JSON.stringify(distinct.slice(0, 10).map(k => `k${String(k).padStart(2, '0')}`)) && set.more === distinct.length > 10
  }))
  t.pass('the smallest keys, and `more` once there were others')
})

t.test('late events: first and last are by time, then id', async t => {
  const s = fold('user', 'u-0', [ev(4, { time: 1000, id: 'b' }), ev(8, { time: 1000, id: 'a' }), ev(0, { time: 500, id: 'z' })].map(e => ({ ...e, user: 'u-0' })))
  t.same(s.first, { t: 500, id: 'z' })
  t.same(s.last, { t: 1000, id: 'b' })
})

t.test('addresses in the form Elasticsearch gives them', async t => {
  t.equal(canonicalIp('81.2.69.142'), '81.2.69.142')
  t.equal(canonicalIp('2A01:0E0A:0001:0000:0000:0000:0000:0001'), '2a01:e0a:1::1')
  t.equal(canonicalIp('::ffff:1.2.3.4'), '1.2.3.4')
  t.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1')
  t.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1')
  t.equal(canonicalIp('::1'), '::1')
  t.equal(canonicalIp('fe80::'), 'fe80::')
})

t.test('each action keeps its first FIRST_STAMPS distinct stamps and its last, whatever the order, repetitions and merges', async t => {
  // Events of one user with times in a short range (ties ordered by id); an id is one event, whatever its repeats.
  const event = fc.record({ t: fc.integer({ min: 0, max: 8 }), action: fc.constantFrom('login', 'deposit', 'bet_placed') })
  await fc.assert(fc.property(fc.array(event, { minLength: 1, maxLength: 24 }), fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (raw, rolls) => {
    const events = raw.map((x, i) => ev(i, { user: 'u', id: `e-${String(i).padStart(2, '0')}`, time: x.t, action: x.action }))
    let r = 0
    const roll = (n: number): number => (rolls[r++ % rolls.length] as number) % n
    // Every event at least once, some again, shuffled, folded into states merged along a random tree.
    const all = [...events, ...events.filter(() => roll(3) === 0)]
    for (let i = all.length - 1; i > 0; i--) { const j = roll(i + 1); [all[i], all[j]] = [all[j] as EntityEvent, all[i] as EntityEvent] }
    const tree = (list: EntityEvent[]): EntityState => {
      if (list.length <= 2) { const s = emptyState('t', 'user', 'u'); for (const e of list) addEvent(s, e); return s }
      const cut = 1 + roll(list.length - 1)
      const [a, b] = [tree(list.slice(0, cut)), tree(list.slice(cut))]
      const [into, from] = roll(2) === 0 ? [a, b] : [b, a]
      mergeStates(into, from)
      return into
    }
    const s = tree(all)
    for (const action of new Set(events.map(e => e.action))) {
      const mine = events.filter(e => e.action === action).map(e => ({ t: e.time, id: e.id })).sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1))
      const expected = { f: mine.slice(0, FIRST_STAMPS), l: mine.at(-1) }
      if (JSON.stringify(s.actions.get(action)) !== JSON.stringify(expected)) return false
      if (JSON.stringify(fromDoc(toDoc(s)).actions.get(action)) !== JSON.stringify(expected)) return false
    }
    return s.actions.size === new Set(events.map(e => e.action)).size
  }), { numRuns: 500 })
  t.equal(FIRST_STAMPS, 4)
  const s = fold('user', 'u-0', [0, 3, 6, 9, 12, 15].map(i => ev(i, { user: 'u-0', action: 'login' })))
  t.same(s.actions.get('login'), { f: [15, 12, 9, 6].map(i => ({ t: NOW - i * H, id: `e-${i}` })), l: { t: NOW, id: 'e-0' } }, 'the four earliest and the latest')
})
