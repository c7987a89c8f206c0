import t from 'tap'
import fc from 'fast-check'
import { decideFunnel, type Match } from '../../../src/analytics/entities/funnel-entities.ts'
import { FunnelCounter } from '../../../src/analytics/behaviour/funnel.ts'
import type { EntityEvent } from '../../../src/entities/entity-event.ts'
import { addEvent, mergeStates } from '../../../src/entities/merge.ts'
import { emptyState } from '../../../src/entities/model.ts'
import type { Occurrences } from '../../../src/entities/occurrences.ts'

interface Ev { t: number, id: string, action: string }
type Steps = string[][]

/** A user's occurrences as the store keeps them, each event folded into a delta merged in the given order. */
function occurrences (events: readonly Ev[]): Map<string, Occurrences> {
  const s = emptyState('t', 'user', 'u')
  for (const e of events) {
    const d = emptyState('t', 'user', 'u')
    addEvent(d, { tenant: 't', id: e.id, time: e.t, ingested: 0, action: e.action, outcome: 'success', user: 'u', level: 'low', score: 0 } satisfies EntityEvent)
    mergeStates(s, d)
  }
  return s.actions
}

/** Occurrences as they were when only the first was kept. */
const firstOnly = (m: ReadonlyMap<string, Occurrences>): Map<string, Occurrences> => new Map([...m].map(([a, o]) => [a, { f: o.f.slice(0, 1), l: o.l }]))

const counted = (pushes: ReadonlyArray<{ t: number, action: string }>, steps: Steps, windowMs: number): ReturnType<FunnelCounter['result']> => {
  const c = new FunnelCounter(steps, windowMs)
  for (const p of pushes) c.push('u', p.t, p.action)
  return c.result()
}
/** What the scan counts: the user's events in time, then id, order. */
const scanned = (events: readonly Ev[], steps: Steps, windowMs: number): ReturnType<FunnelCounter['result']> =>
  counted([...events].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1)), steps, windowMs)

const ev = (t: number, action: string, id = `e${String(t).padStart(3, '0')}`): Ev => ({ t, id, action })
const m = (t: number, action: string): Match => ({ t, action })
const LDB = [['login'], ['deposit'], ['bet_placed']]

t.test('planted paths: each way a step is settled, or not', async t => {
  const cases: Array<[string, Ev[], Steps, number, Match[] | undefined, 'K=1 undecided' | 'same with K=1']> = [
    ['no step 1: no path', [ev(1, 'deposit')], LDB, 100, [], 'same with K=1'],
    ['step 1 is the first of its actions', [ev(3, 'registration'), ev(1, 'login'), ev(5, 'deposit')], [['registration', 'login'], ['deposit']], 100, [m(1, 'login'), m(5, 'deposit')], 'same with K=1'],
    ['known: the second deposit is the first after the login', [ev(1, 'deposit'), ev(2, 'login'), ev(3, 'deposit'), ev(4, 'bet_placed')], LDB, 100, [m(2, 'login'), m(3, 'deposit'), m(4, 'bet_placed')], 'K=1 undecided'],
    ['known: the fourth kept deposit', [ev(1, 'deposit'), ev(2, 'deposit'), ev(3, 'deposit'), ev(5, 'login'), ev(6, 'deposit'), ev(9, 'deposit')], LDB, 100, [m(5, 'login'), m(6, 'deposit')], 'K=1 undecided'],
    ['absent: the last deposit is before the login', [ev(1, 'deposit'), ev(2, 'deposit'), ev(5, 'login'), ev(7, 'bet_placed')], LDB, 100, [m(5, 'login')], 'same with K=1'],
    ['unknown: four deposits before the login, one after', [1, 2, 3, 4, 8].map(x => ev(x, 'deposit')).concat(ev(5, 'login')), LDB, 100, undefined, 'same with K=1'],
    ['unknown in one action of a step, whatever the other says', [1, 2, 3, 4, 8].map(x => ev(x, 'deposit')).concat(ev(5, 'login'), ev(6, 'withdrawal')), [['login'], ['deposit', 'withdrawal']], 100, undefined, 'same with K=1'],
    ['the earliest of a step\'s actions', [ev(1, 'login'), ev(4, 'withdrawal'), ev(3, 'deposit'), ev(5, 'deposit')], [['login'], ['deposit', 'withdrawal'], ['withdrawal']], 100, [m(1, 'login'), m(3, 'deposit'), m(4, 'withdrawal')], 'same with K=1'],
    ['beyond the window: the path stops', [ev(0, 'login'), ev(6, 'deposit')], LDB, 5, [m(0, 'login')], 'same with K=1'],
    ['at the window\'s end: counted', [ev(0, 'login'), ev(5, 'deposit')], LDB, 5, [m(0, 'login'), m(5, 'deposit')], 'same with K=1'],
    ['one event per step: login, login, login', [1, 2, 4, 7].map(x => ev(x, 'login')), [['login'], ['login'], ['login']], 100, [m(1, 'login'), m(2, 'login'), m(4, 'login')], 'K=1 undecided'],
    ['same millisecond, in id order: deposit (a) before login (b)', [ev(5, 'login', 'b'), ev(5, 'deposit', 'a')], LDB, 100, [m(5, 'login')], 'same with K=1'],
    ['same millisecond, in id order: login (a) before deposit (b)', [ev(5, 'login', 'a'), ev(5, 'deposit', 'b')], LDB, 100, [m(5, 'login'), m(5, 'deposit')], 'same with K=1']
  ]
  for (const [name, events, steps, windowMs, expected, withOne] of cases) {
    const path = decideFunnel(occurrences(events), steps, windowMs)
    t.same(path, expected, name)
    if (path !== undefined) t.same(counted(path, steps, windowMs), scanned(events, steps, windowMs), `${name}: the scan's count`)
    const one = decideFunnel(firstOnly(occurrences(events)), steps, windowMs)
    if (withOne === 'K=1 undecided') t.equal(one, undefined, `${name}: undecided with the first occurrence alone`)
    else t.same(one, expected, `${name}: the same with the first occurrence alone`)
  }
})

t.test('on random users: the scan\'s path or undecided, and undecided less often than with the first occurrence alone', async t => {
  const actions = ['a', 'b', 'c']
  const step = fc.uniqueArray(fc.constantFrom(...actions), { minLength: 1, maxLength: 2 })
  // Few actions over many events: each occurs several times, interleaved with the others.
  const events = fc.array(fc.record({ t: fc.integer({ min: 0, max: 15 }), action: fc.constantFrom(...actions) }), { minLength: 0, maxLength: 20 })
  const undecided = { four: 0, one: 0, runs: 0 }
  await fc.assert(fc.property(events, fc.array(step, { minLength: 2, maxLength: 4 }), fc.integer({ min: 0, max: 16 }), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), (raw, steps, windowMs, order) => {
    const list = raw.map((x, i) => ev(x.t, x.action, `e${String((i * 7) % 20).padStart(2, '0')}`))
    // Any order of folding gives the same occurrences.
    const shuffled = list.map((e, i) => ({ e, k: order[i] ?? 0 })).sort((a, b) => a.k - b.k).map(x => x.e)
    const kept = occurrences(shuffled)
    const path = decideFunnel(kept, steps, windowMs)
    const one = decideFunnel(firstOnly(kept), steps, windowMs)
    undecided.runs++
    if (path === undefined) undecided.four++
    if (one === undefined) undecided.one++
    const scan = scanned(list, steps, windowMs)
    if (path !== undefined && JSON.stringify(counted(path, steps, windowMs)) !== JSON.stringify(scan)) return false
    if (one !== undefined && JSON.stringify(counted(one, steps, windowMs)) !== JSON.stringify(scan)) return false
    // What the first occurrence settles, the first four settle the same way.
    return one === undefined || JSON.stringify(path) === JSON.stringify(one)
  }), { numRuns: 2000 })
  t.ok(undecided.four < undecided.one / 2, `undecided: ${undecided.four} with four kept, ${undecided.one} with one, of ${undecided.runs}`)
})
