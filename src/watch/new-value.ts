import type { KeyState } from '../store/system/alert-keys-store.ts'

/** A (user, value) pair among the run's new events. */
export interface NewPair { user: string, value: string, firstTime: number, lastTime: number, count: number, sample: string[] }

/** What came before a pair's first new event: the value itself, any value of the field, a few of them. */
export interface PairHistory { seen: boolean, known: boolean, previous: string[] }

/**
 * The pairs whose value the user never had in the `days` before: with `requireHistory`, only for users who had
 * the field at all then (a brand-new user has nothing to differ from), and not a value the user's earlier
 * alerts of this rule reported within `days` of the pair (a run's look-back reads reported events again).
 */
export function newValues<P extends NewPair> (pairs: readonly P[], history: readonly PairHistory[], requireHistory: boolean, daysMs: number, keyOf: (user: string) => KeyState | undefined): Array<P & { previous: string[] }> {
  const out: Array<P & { previous: string[] }> = []
  pairs.forEach((p, i) => {
    const h = history[i]
    if (h === undefined || h.seen || (requireHistory && !h.known) || reported(p, keyOf(p.user), daysMs)) return
    out.push({ ...p, previous: h.previous })
  })
  return out
}

function reported (p: NewPair, key: KeyState | undefined, daysMs: number): boolean {
  if (key === undefined) return false
  const values = key.covered_values
  // Keys written before values were kept: the user's whole coverage, as then.
  if (values === undefined) return p.lastTime <= (key.covered_to ?? -Infinity)
  return Object.hasOwn(values, p.value) && p.firstTime <= (values[p.value] as number) + daysMs
}
