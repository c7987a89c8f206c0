import type { Filters } from '../../api/types.ts'
import { histogramInterval } from '../../app/period.ts'

/** The levels a person can group by: the API's named groups and dates. */
export const LEVELS = ['date', 'category', 'action', 'importance', 'country', 'operator', 'device', 'outcome'] as const
export type Level = typeof LEVELS[number]
export const INTERVALS = ['auto', 'hour', 'day', 'week', 'month'] as const
export type Interval = typeof INTERVALS[number]
export const SIZES = [5, 10, 20, 50, 100] as const
export const CHART_METRICS = ['count', 'uniqueUsers', 'amount'] as const
export type ChartMetric = typeof CHART_METRICS[number]
export const BREAKDOWNS = ['byCategory', 'byAction', 'byOutcome', 'byImportance'] as const
export type Breakdown = typeof BREAKDOWNS[number]

/** Everything the Groups view shows, all of it in the address. */
export interface GroupsState {
  by: Level
  then: Level | ''
  interval: Interval
  size: number
  metric: ChartMetric
  breakdown: Breakdown
  query: string
  from: string
  to: string
}

const oneOf = <T extends string>(values: readonly T[], v: string | null, fallback: T): T => values.includes(v as T) ? v as T : fallback

export function readGroups (p: URLSearchParams): GroupsState {
  const by = oneOf(LEVELS, p.get('by'), 'category')
  const then = oneOf(LEVELS, p.get('then'), 'date')
  const size = Number(p.get('size'))
  return {
    by,
    then: p.get('then') === null || then === by ? '' : then,
    interval: oneOf(INTERVALS, p.get('interval'), 'auto'),
    size: (SIZES as readonly number[]).includes(size) ? size : 10,
    metric: oneOf(CHART_METRICS, p.get('chart'), 'count'),
    breakdown: oneOf(BREAKDOWNS, p.get('summary'), 'byCategory'),
    query: p.get('q') ?? '',
    from: p.get('from') ?? 'now-7d',
    to: p.get('to') ?? 'now'
  }
}

export function writeGroups (s: GroupsState): string {
  const p = new URLSearchParams()
  p.set('by', s.by)
  if (s.then !== '') p.set('then', s.then)
  if (s.interval !== 'auto') p.set('interval', s.interval)
  if (s.size !== 10) p.set('size', String(s.size))
  if (s.metric !== 'count') p.set('chart', s.metric)
  if (s.breakdown !== 'byCategory') p.set('summary', s.breakdown)
  if (s.query !== '') p.set('q', s.query)
  p.set('from', s.from)
  p.set('to', s.to)
  return `/groups?${p.toString()}`
}

/** The interval sent for a date level: the chosen one, or one that draws the period in about 60 bars. */
export function dateInterval (s: GroupsState): { name: string, ms: number | null } {
  if (s.interval !== 'auto') return { name: s.interval, ms: null }
  return histogramInterval(s.from, s.to, 60)
}

export const filtersOf = (s: GroupsState, timeZone: string): Filters => ({ period: { from: s.from, to: s.to, timeZone } })

export function aggregateBody (s: GroupsState, timeZone: string): object {
  const level = (field: Level): object => field === 'date' ? { field, interval: dateInterval(s).name } : { field, size: s.size }
  return {
    filters: filtersOf(s, timeZone),
    ...(s.query.trim() === '' ? {} : { query: s.query }),
    timeZone,
    groupBy: s.then === '' ? [level(s.by)] : [level(s.by), level(s.then)],
    metrics: ['uniqueUsers', 'amount']
  }
}
