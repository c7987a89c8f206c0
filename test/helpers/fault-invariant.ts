import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import type { Es } from '../../src/store/elasticsearch.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { deadLetterIndex } from '../../src/store/system/dead-letters.ts'

export interface Outcome {
  /** Stored copies per event id. */
  stored: Map<string, number>
  /** Ids with a pending dead letter. */
  deadLettered: Set<string>
}

const every = { ignore_unavailable: true, allow_no_indices: true }

/** Documents per value of `field` (composite aggregation pages: exact counts, any number of values). */
async function countsBy (es: Es, index: string, field: string, query?: object): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  let after: Record<string, string | number | boolean | null> | undefined
  do {
    const r = await es.search({ index, ...every, size: 0, ...(query === undefined ? {} : { query }), aggs: { ids: { composite: { size: 5000, sources: [{ id: { terms: { field } } }], ...(after === undefined ? {} : { after }) } } } })
    const agg = r.aggregations?.ids as { buckets: Array<{ key: { id: string }, doc_count: number }>, after_key?: typeof after } | undefined
    for (const b of agg?.buckets ?? []) counts.set(b.key.id, b.doc_count)
    after = (agg?.buckets.length ?? 0) > 0 ? agg?.after_key : undefined
  } while (after !== undefined)
  return counts
}

/** Every stored event id with its number of copies, and every id with a pending dead letter, of one index prefix. */
export async function readOutcome (es: Es, prefix: string): Promise<Outcome> {
  await es.indices.refresh({ index: [eventsAlias(prefix), deadLetterIndex(prefix)], ...every })
  const stored = await countsBy(es, eventsAlias(prefix), 'event.id')
  // Pending letters only: a replayed letter stays as a record, and its event is then stored.
  const pending = { bool: { must_not: [{ exists: { field: 'replayed_at' } }] } }
  const deadLettered = new Set((await countsBy(es, deadLetterIndex(prefix), 'event_id', pending)).keys())
  return { stored, deadLettered }
}

/**
 * The fault suite's invariant: every event answered 202 is stored exactly once or dead-lettered, and nothing
 * else is stored. Waits (up to `timeoutMs`) until every accepted event is settled, then waits `settleMs` more
 * (a job re-delivered after a lost lock finishes) and checks exactly.
 */
export async function assertStoredOnce (t: Test, es: Es, prefix: string, accepted: readonly string[], options: { timeoutMs?: number, settleMs?: number } = {}): Promise<Outcome> {
  const { timeoutMs = 120_000, settleMs = 3000 } = options
  const want = new Set(accepted)
  t.equal(want.size, accepted.length, `the client was given ${accepted.length} distinct ids`)
  const started = Date.now()
  let outcome = await readOutcome(es, prefix)
  const settled = (o: Outcome): number => [...want].filter(id => o.stored.has(id) || o.deadLettered.has(id)).length
  while (settled(outcome) < want.size && Date.now() - started < timeoutMs) {
    await sleep(500)
    outcome = await readOutcome(es, prefix)
  }
  t.comment(`all ${want.size} accepted events settled ${((Date.now() - started) / 1000).toFixed(1)} s after the check began`)
  await sleep(settleMs)
  outcome = await readOutcome(es, prefix)
  const missing = [...want].filter(id => !outcome.stored.has(id) && !outcome.deadLettered.has(id))
  const twice = [...outcome.stored].filter(([, n]) => n > 1).map(([id]) => id)
  const unasked = [...outcome.stored.keys()].filter(id => !want.has(id))
  const both = [...outcome.deadLettered].filter(id => outcome.stored.has(id))
  t.same(missing.slice(0, 10), [], `every accepted event is stored or dead-lettered (${missing.length} missing)`)
  t.same(twice.slice(0, 10), [], `no event stored twice (${twice.length})`)
  t.same(unasked.slice(0, 10), [], `nothing stored that was not answered 202 (${unasked.length})`)
  t.same(both.slice(0, 10), [], 'no event both stored and dead-lettered')
  return outcome
}
