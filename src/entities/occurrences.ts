import { before, maxStamp, minStamp, type Stamp } from './model.ts'

/**
 * How many first occurrences of each action a user keeps. A funnel is settled from them unless an action of a
 * step occurred this many times or more at or before the previous step's match and again after it; each one
 * kept costs its time and event id (about 27 characters) in the document. On the entity benchmark's events (18
 * actions in random order, 20 events per user), the users its two funnels leave to the scan fall from 18 % and
 * 15 % with one to 0.3 % and none with four, for 280 more characters per user (7 %); eight would settle the
 * last 0.3 % for 12 characters more (scripts/bench/entity-stamps.ts).
 */
export const FIRST_STAMPS = 4

/**
 * An action's occurrences as a user keeps them: `f`, the first ones in (time, id) order, distinct, at least one
 * and at most FIRST_STAMPS, and `l`, the last. `f` is a prefix of all the occurrences: none is missing up to its
 * last stamp. When `l` is that last stamp, `f` holds them all; otherwise the occurrences after the last kept
 * one are unknown up to `l`. Documents written when only the first was kept read as `f` of one stamp and stay
 * right: their `l` is not in `f` unless the action occurred once.
 */
export interface Occurrences { f: readonly Stamp[], l: Stamp }

export const sameStamp = (a: Stamp, b: Stamp): boolean => a.t === b.t && a.id === b.id
export const once = (s: Stamp): Occurrences => ({ f: [s], l: s })
export const firstOf = (o: Occurrences): Stamp => o.f[0] as Stamp

/** The last stamp up to which every occurrence is known; undefined when all of them are. */
export function horizon (o: Occurrences): Stamp | undefined {
  const last = o.f[o.f.length - 1] as Stamp
  return sameStamp(last, o.l) ? undefined : last
}

/**
 * What two views of an action's occurrences say together: the union's first FIRST_STAMPS distinct stamps, cut
 * where either view stops knowing its occurrences, and the later last. Commutative, associative and idempotent:
 * the union's stamps up to min(horizons, FIRST_STAMPS-th stamp of the union), whatever the order of merges.
 */
export function mergeOccurrences (a: Occurrences, b: Occurrences): Occurrences {
  const ha = horizon(a)
  const hb = horizon(b)
  const known = ha === undefined ? hb : hb === undefined ? ha : minStamp(ha, hb)
  const f: Stamp[] = []
  let i = 0
  let j = 0
  while (f.length < FIRST_STAMPS) {
    const x = a.f[i]
    const y = b.f[j]
    if (x === undefined && y === undefined) break
    // The smaller of the two heads; a stamp both hold (the same event) once.
    const next = y === undefined || (x !== undefined && !before(y, x)) ? x as Stamp : y
    if (x !== undefined && sameStamp(next, x)) i++
    if (y !== undefined && sameStamp(next, y)) j++
    if (known !== undefined && before(known, next)) break
    f.push(next)
  }
  return { f, l: maxStamp(a.l, b.l) }
}

/**
 * An action's occurrences after a rebuild. `fresh` is folded from every stored event of the user, so it is
 * right from its first stamp on; the stamps the document held before that are of events no longer stored
 * (retention drops an action's oldest events first: its category fixes its retention class) and stay ahead of
 * them. So a document written when only the first occurrence was kept gets all of them back. When the
 * document stopped knowing its occurrences before `fresh` begins, some in between may be unknown: the merge
 * keeps that said.
 */
export function rebuiltOccurrences (stored: Occurrences | undefined, fresh: Occurrences): Occurrences {
  if (stored === undefined) return fresh
  const start = firstOf(fresh)
  const h = horizon(stored)
  if (h !== undefined && before(h, start)) return mergeOccurrences(stored, fresh)
  const older = stored.f.filter(s => before(s, start))
  return { f: [...older, ...fresh.f].slice(0, FIRST_STAMPS), l: maxStamp(stored.l, fresh.l) }
}

/** The first occurrence after `prev`: its stamp, `none` when there is none, `unknown` when the kept ones do not say. */
export function nextAfter (o: Occurrences, prev: Stamp): Stamp | 'none' | 'unknown' {
  for (const s of o.f) if (before(prev, s)) return s
  if (!before(prev, o.l)) return 'none'
  // Every kept stamp is at or before `prev` and the last is after it: the last is not among them.
  return 'unknown'
}
