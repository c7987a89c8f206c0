/** A (user, value) pair among the run's new events. */
export interface NewPair { user: string, value: string, firstTime: number, lastTime: number, count: number, sample: string[] }

/** What came before a pair's first new event: the value itself, any value of the field, a few of them. */
export interface PairHistory { seen: boolean, known: boolean, previous: string[] }

/**
 * The pairs whose value the user never had in the days before: with `requireHistory`, only for users who had
 * the field at all then (a brand-new user has nothing to differ from), and only when the pair ends after what
 * the user's earlier alerts of this rule covered.
 */
export function newValues (pairs: readonly NewPair[], history: readonly PairHistory[], requireHistory: boolean, coveredTo: (user: string) => number | undefined): Array<NewPair & { previous: string[] }> {
  const out: Array<NewPair & { previous: string[] }> = []
  pairs.forEach((p, i) => {
    const h = history[i]
    if (h === undefined || h.seen || (requireHistory && !h.known)) return
    if (p.lastTime <= (coveredTo(p.user) ?? -Infinity)) return
    out.push({ ...p, previous: h.previous })
  })
  return out
}
