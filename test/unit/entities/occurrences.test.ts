import t from 'tap'
import fc from 'fast-check'
import { before, type Stamp } from '../../../src/entities/model.ts'
import { FIRST_STAMPS, horizon, mergeOccurrences, nextAfter, once, rebuiltOccurrences, type Occurrences } from '../../../src/entities/occurrences.ts'
import { parseStamp, stampEntry } from '../../../src/entities/codec.ts'

const s = (t: number, id = `e${t}`): Stamp => ({ t, id })
const sorted = (xs: readonly Stamp[]): Stamp[] => [...xs].sort((a, b) => before(a, b) ? -1 : before(b, a) ? 1 : 0)
const foldAll = (xs: readonly Stamp[]): Occurrences => xs.slice(1).reduce((o, x) => mergeOccurrences(o, once(x)), once(xs[0] as Stamp))
/** Written when only the first occurrence was kept. */
const firstAndLast = (xs: readonly Stamp[]): Occurrences => { const o = sorted(xs); return { f: [o[0] as Stamp], l: o.at(-1) as Stamp } }

/** What a view may say of the occurrences `all`: its kept stamps are their first ones, and its last is theirs. */
function truthful (o: Occurrences, all: readonly Stamp[]): boolean {
  const real = sorted(all)
  const prefix = JSON.stringify(o.f) === JSON.stringify(real.slice(0, o.f.length))
  const complete = horizon(o) === undefined
  return prefix && o.f.length <= FIRST_STAMPS && JSON.stringify(o.l) === JSON.stringify(real.at(-1)) && complete === (o.f.length === real.length)
}

const stamps = fc.uniqueArray(fc.record({ t: fc.integer({ min: 0, max: 12 }), id: fc.constantFrom('a', 'b', 'c') }), { minLength: 1, maxLength: 16, selector: x => `${x.t}|${x.id}` })

t.test('an entry written when only the first occurrence was kept stays right, whatever is merged into it', async t => {
  await fc.assert(fc.property(stamps, stamps, (old, recent) => {
    const merged = mergeOccurrences(firstAndLast(old), foldAll(recent))
    const all = [...new Map([...old, ...recent].map(x => [`${x.t}|${x.id}`, x])).values()]
    return truthful(merged, all) && truthful(mergeOccurrences(foldAll(recent), firstAndLast(old)), all)
  }), { numRuns: 500 })
  const kept = mergeOccurrences({ f: [s(1)], l: s(9) }, foldAll([s(2), s(3)]))
  t.same(kept, { f: [s(1)], l: s(9) }, 'occurrences between the first and the last were not kept: 2 and 3 may not be the second and third')
  t.equal(nextAfter(kept, s(1)), 'unknown')
})

t.test('a rebuild brings back the first occurrences of an entry that kept one', async t => {
  await fc.assert(fc.property(stamps, fc.nat(), fc.nat(), (all, splitAt, dropAt) => {
    const real = sorted(all)
    // The document saw the oldest events with the earlier version, the others since; the rebuild folds every stored event.
    const cut = 1 + splitAt % real.length
    const doc = cut === real.length ? firstAndLast(real) : mergeOccurrences(firstAndLast(real.slice(0, cut)), foldAll(real.slice(cut)))
    if (JSON.stringify(rebuiltOccurrences(doc, foldAll(real))) !== JSON.stringify(foldAll(real))) return false
    // Retention dropped the oldest events: what the document knew of them stays ahead, and nothing else is claimed.
    const drop = dropAt % real.length
    const rebuilt = rebuiltOccurrences(foldAll(real), foldAll(real.slice(drop)))
    return JSON.stringify(rebuilt) === JSON.stringify(foldAll(real)) && truthful(rebuiltOccurrences(doc, foldAll(real.slice(drop))), real)
  }), { numRuns: 500 })
  t.same(rebuiltOccurrences({ f: [s(1)], l: s(9) }, foldAll([s(1), s(4), s(6), s(9)])), { f: [s(1), s(4), s(6), s(9)], l: s(9) })
  t.same(rebuiltOccurrences({ f: [s(1)], l: s(9) }, foldAll([s(4), s(6), s(9)])), { f: [s(1)], l: s(9) }, 'the event of 1 is gone, and what came between it and 4 is not known')
})

t.test('the next occurrence after a stamp: known, none or unknown', async t => {
  const o = foldAll([1, 3, 5, 7, 9, 11].map(x => s(x)))
  t.same(o, { f: [s(1), s(3), s(5), s(7)], l: s(11) })
  t.same(nextAfter(o, s(0)), s(1))
  t.same(nextAfter(o, s(3)), s(5), 'strictly after')
  t.same(nextAfter(o, s(3, 'e2')), s(3), 'same time, later id')
  t.equal(nextAfter(o, s(7)), 'unknown', 'after the last kept, before the last')
  t.equal(nextAfter(o, s(11)), 'none')
  t.equal(nextAfter(foldAll([s(1), s(3)]), s(3)), 'none', 'all kept: the last is among them')
})

t.test('entries: the last stays fourth, and old entries read as one first stamp', async t => {
  const o = foldAll([s(5, 'b'), s(5, 'a'), s(8), s(20), s(30)])
  const entry = stampEntry('deposit', o)
  t.equal(entry, 'deposit|5|a|30|e30|5|b|8|e8|20|e20')
  t.same(parseStamp(entry), { action: 'deposit', ...o })
  t.same(parseStamp('login|5|a|30|e30'), { action: 'login', f: [s(5, 'a')], l: s(30) })
  t.same(horizon(parseStamp('login|5|a|30|e30')), s(5, 'a'), 'known up to the first only')
  t.same(parseStamp('login|5|a|5|a'), { action: 'login', ...once(s(5, 'a')) })
  // What a reader of the first and last alone took from the entry.
  const [action, ft, fid, lt, lid] = entry.split('|')
  t.same([action, Number(ft), fid, Number(lt), lid], ['deposit', 5, 'a', 30, 'e30'])
  await fc.assert(fc.property(stamps, xs => JSON.stringify(parseStamp(stampEntry('x', foldAll(xs)))) === JSON.stringify({ action: 'x', ...foldAll(xs) })))
})
