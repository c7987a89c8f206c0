import type { estypes } from '@elastic/elasticsearch'
import { LEVELS } from '../events/schema.ts'

export interface Count { key: string, count: number }

export interface MoneyTotals {
  currency: string
  /** Sums of amounts moving into and out of users' balances; movements without a direction are in `other`. */
  in: number
  out: number
  other: number
  events: number
}

/** What a report and an evidence pack state about their events, computed by Elasticsearch over the same snapshot. */
export interface Summary {
  total: number
  period: { first: string | null, last: string | null }
  byCategory: Count[]
  byOutcome: Count[]
  byImportance: Count[]
  money: MoneyTotals[]
}

// Categories, outcomes and levels are small closed sets; currencies are open, so their bucket count is bounded.
const MAX_CURRENCIES = 500

export const SUMMARY_AGGS: Record<string, estypes.AggregationsAggregationContainer> = {
  first: { min: { field: '@timestamp' } },
  last: { max: { field: '@timestamp' } },
  category: { terms: { field: 'audit.category', size: 50 } },
  outcome: { terms: { field: 'event.outcome', size: 10 } },
  importance: { terms: { field: 'audit.importance.level', size: 10 } },
  money: {
    terms: { field: 'audit.money.currency', size: MAX_CURRENCIES, order: { _key: 'asc' } },
    aggs: {
      direction: { terms: { field: 'audit.money.direction', size: 5, missing: 'other' }, aggs: { amount: { sum: { field: 'audit.money.amount' } } } }
    }
  }
}

interface Bucket { key: string | number, doc_count: number }
interface Terms<B = Bucket> { buckets: B[] }
interface MoneyBucket extends Bucket { direction: Terms<Bucket & { amount: { value: number } }> }

const byCountThenKey = (a: Count, b: Count): number => b.count - a.count || a.key.localeCompare(b.key)

// Sums of doubles carry binary noise (0.1 + 0.2); amounts are kept to 8 decimals, enough for crypto units.
export const roundAmount = (x: number): number => Math.round(x * 1e8) / 1e8

function counts (agg: estypes.AggregationsAggregate | undefined): Count[] {
  const buckets = (agg as Terms | undefined)?.buckets ?? []
  return buckets.map(b => ({ key: String(b.key), count: b.doc_count }))
}

function isoOf (agg: estypes.AggregationsAggregate | undefined): string | null {
  const a = agg as { value: number | null, value_as_string?: string } | undefined
  if (a?.value === null || a?.value === undefined) return null
  return new Date(a.value).toISOString()
}

/** Reads the answer to SUMMARY_AGGS. */
export function summaryOf (total: number, aggs: Record<string, estypes.AggregationsAggregate>): Summary {
  const rank = (level: string): number => -LEVELS.indexOf(level as typeof LEVELS[number])
  const money = ((aggs.money as Terms<MoneyBucket> | undefined)?.buckets ?? []).map(b => {
    const sum = (dir: string): number => roundAmount(b.direction.buckets.find(d => d.key === dir)?.amount.value ?? 0)
    return { currency: String(b.key), in: sum('in'), out: sum('out'), other: sum('other'), events: b.doc_count }
  })
  return {
    total,
    period: { first: isoOf(aggs.first), last: isoOf(aggs.last) },
    byCategory: counts(aggs.category).sort(byCountThenKey),
    byOutcome: counts(aggs.outcome).sort(byCountThenKey),
    // Most important first: the order a reviewer reads them in.
    byImportance: counts(aggs.importance).sort((a, b) => rank(a.key) - rank(b.key)),
    money
  }
}
