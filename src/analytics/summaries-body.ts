import type { estypes } from '@elastic/elasticsearch'
import { maskEvent, maskValue } from '../auth/masking.ts'
import type { ChangeRow, EventRef, MoneyRow, PeriodSummary } from './summaries-schema.ts'
import type { Window } from './summaries-period.ts'
import { eventIdOfDoc } from '../store/events/event-doc-id.ts'

type Agg = estypes.AggregationsAggregationContainer
interface Bucket { key: string | number, doc_count: number, [sub: string]: unknown }
interface Terms { buckets: Bucket[], sum_other_doc_count?: number }
type Aggs = Record<string, unknown>

const DISTINCT = 100
export const MAX_ACTIONS = 200
export const MAX_OPERATOR_ACTIONS = 100

const terms = (field: string, size: number, aggs?: Record<string, Agg>): Agg => ({ terms: { field, size, order: [{ _count: 'desc' }, { _key: 'asc' }] }, ...(aggs === undefined ? {} : { aggs }) })
const distinct = (name: string, field: string): Record<string, Agg> => ({
  [name]: terms(field, DISTINCT),
  [`${name}Count`]: { cardinality: { field, precision_threshold: 40_000 } }
})

/** Who, where from and with what money: shared by session and user summaries. */
export function profileAggs (): Record<string, Agg> {
  return {
    ...distinct('ips', 'source.ip'),
    ...distinct('countries', 'source.geo.country_iso_code'),
    ...distinct('deviceIds', 'audit.device.id'),
    deviceTypes: terms('audit.device.type', 20),
    money: terms('audit.money.currency', 100, {
      direction: { terms: { field: 'audit.money.direction', size: 2, missing: 'none' }, aggs: { sum: { sum: { field: 'audit.money.amount' } } } }
    })
  }
}

export function breakdownAggs (): Record<string, Agg> {
  return {
    byCategory: terms('audit.category', 20),
    byAction: terms('event.action', MAX_ACTIONS),
    byOutcome: terms('event.outcome', 5),
    byImportance: terms('audit.importance.level', 5)
  }
}

export const windowFilter = (w: Window): estypes.QueryDslQueryContainer =>
  ({ range: { '@timestamp': { gte: w.from, lte: w.to, format: 'epoch_millis' } } })

export function sessionAggs (): Record<string, Agg> {
  return {
    start: { min: { field: '@timestamp' } },
    end: { max: { field: '@timestamp' } },
    users: terms('user.id', 10),
    byCategory: terms('audit.category', 20),
    byOutcome: terms('event.outcome', 5),
    ...profileAggs(),
    operators: {
      filter: { term: { 'audit.actor.type': 'operator' } },
      aggs: { events: { top_hits: { size: MAX_OPERATOR_ACTIONS, sort: [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }] } } }
    }
  }
}

export const counts = (t: unknown): Record<string, number> => Object.fromEntries(((t as Terms | undefined)?.buckets ?? []).map(b => [String(b.key), b.doc_count]))

function distinctOf (aggs: Aggs, name: string, field: string, masked: boolean): { count: number, values: string[] } {
  const terms = aggs[name] as Terms | undefined
  const count = (aggs[`${name}Count`] as { value: number } | undefined)?.value ?? 0
  const buckets = terms?.buckets ?? []
  if (!masked) return { count, values: buckets.map(b => String(b.key)) }
  // Masked values that look the same are one value: listing or counting them apart would tell them apart. Past
  // the listed values, the clear count would too: the count is then of the masked values listed (at least).
  const values = [...new Set(buckets.map(b => String(maskValue(field, b.key))))]
  return { count: values.length, values }
}

export function readProfile (aggs: Aggs, masked: boolean): { ips: { count: number, values: string[] }, countries: { count: number, values: string[] }, devices: { types: Record<string, number>, ids: { count: number, values: string[] } }, money: MoneyRow[] } {
  const money = ((aggs.money as Terms | undefined)?.buckets ?? []).map(b => {
    const sums: Record<string, number> = {}
    for (const d of (b.direction as Terms).buckets) sums[String(d.key)] = (d.sum as { value: number }).value
    const inn = sums.in ?? 0
    const out = sums.out ?? 0
    return { currency: String(b.key), in: inn, out, net: inn - out, other: sums.none ?? 0, events: b.doc_count }
  })
  return {
    ips: distinctOf(aggs, 'ips', 'source.ip', masked),
    countries: distinctOf(aggs, 'countries', 'source.geo.country_iso_code', false),
    devices: { types: counts(aggs.deviceTypes), ids: distinctOf(aggs, 'deviceIds', 'audit.device.id', false) },
    money
  }
}

export const iso = (v: unknown): string | null => typeof v === 'number' ? new Date(v).toISOString() : null

export function eventRef (hit: { _id?: string | null, _source?: unknown } | { id: string, source: Record<string, unknown> }, masked: boolean): EventRef {
  const id = 'id' in hit ? hit.id : eventIdOfDoc(String(hit._id))
  const source = ('source' in hit ? hit.source : hit._source ?? {}) as Record<string, unknown>
  return { id, event: masked ? maskEvent(source) : source }
}

export function changeRow (key: string, current: number, previous: number): ChangeRow {
  return { key, current, previous, change: current - previous, changePct: previous === 0 ? null : Math.round((current - previous) / previous * 1000) / 10 }
}

function compare (cur: unknown, prev: unknown): ChangeRow[] {
  const a = counts(cur)
  const b = counts(prev)
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  // Own entries only: an action named `constructor` in one window alone would read Object's.
  const of = (c: Record<string, number>, k: string): number => Object.hasOwn(c, k) ? c[k] as number : 0
  return keys.map(k => changeRow(k, of(a, k), of(b, k)))
    .sort((x, y) => y.current - x.current || y.previous - x.previous || (x.key < y.key ? -1 : 1))
}

/** Current and previous windows side by side, each breakdown with its change. */
export function readPeriod (cur: Aggs & { doc_count: number }, prev: Aggs & { doc_count: number }, windows: { current: Window, previous: Window }): PeriodSummary {
  const other = (a: Aggs): number => (a.byAction as Terms | undefined)?.sum_other_doc_count ?? 0
  return {
    total: cur.doc_count,
    period: { from: iso(windows.current.from) as string, to: iso(windows.current.to) as string },
    previous: { from: iso(windows.previous.from) as string, to: iso(windows.previous.to) as string },
    totals: changeRow('all', cur.doc_count, prev.doc_count),
    byCategory: compare(cur.byCategory, prev.byCategory),
    byAction: compare(cur.byAction, prev.byAction),
    byOutcome: compare(cur.byOutcome, prev.byOutcome),
    byImportance: compare(cur.byImportance, prev.byImportance),
    complete: other(cur) === 0 && other(prev) === 0
  }
}
