import type { WatchReads } from '../store/events/watch-reads.ts'
import { groupField } from './rule-check.ts'
import type { NewValueCondition } from './rule-schema.ts'
import { newValues } from './new-value.ts'
import { and, isoOf, sliceOf, RUN_LIMITS, type Evaluation, type Query, type RunSpan, type StatesOf } from './evaluation.ts'

const SAMPLES = 5
const DAY_MS = 86_400_000

/**
 * A new-value rule's run: the (user, value) pairs among new events, then, for each, whether the user had that
 * value in the `days` before the pair's first new event — over all the user's events in the tenant, not only
 * those the rule selects (a country seen at a deposit is not new at a sign-in).
 */
export async function evaluateNewValue (reads: WatchReads, name: string, c: NewValueCondition, selection: Query, tenantOnly: Query, span: RunSpan, statesOf: StatesOf): Promise<Evaluation> {
  const field = groupField(c.field) as string
  const days = c.days ?? 30
  const fresh = await reads.newKeys({ query: and(selection, { exists: { field: 'user.id' } }), ...sliceOf(span), fields: ['user.id', field], cap: RUN_LIMITS.groups, samples: SAMPLES })
  if (fresh.keys.length === 0) return { findings: [], scanned: 0, groups: 0, truncated: fresh.truncated }
  const pairs = fresh.keys.map(k => ({ user: k.values[0] as string, value: k.values[1] as string, at: k.at, firstTime: k.minTime, lastTime: k.maxTime, count: k.count, sample: k.sample }))
  const history = await reads.history(tenantOnly, field, pairs.map(p => ({ user: p.user, value: p.value, before: p.firstTime })), days)
  const states = await statesOf([...new Set(pairs.map(p => p.user))])
  const found = newValues(pairs, history, c.requireHistory ?? true, days * DAY_MS, user => states.get(user))
  return {
    findings: found.map(p => ({
      group: p.user, groupField: 'user.id',
      title: `${name}: new ${field} ${p.value} for user ${p.user}`,
      figure: { field, value: p.value, days, previous: p.previous, firstSeenAt: isoOf(p.firstTime), newEvents: p.count },
      evidence: p.sample, firstTime: p.firstTime, lastTime: p.lastTime, coveredTo: p.lastTime, coveredValues: { [p.value]: p.lastTime }, at: p.at
    })),
    scanned: fresh.keys.reduce((s, k) => s + k.count, 0),
    groups: pairs.length,
    truncated: fresh.truncated,
    stoppedAt: fresh.truncated ? pairs.at(-1)?.at : undefined
  }
}
