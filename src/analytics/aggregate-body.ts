import type { estypes } from '@elastic/elasticsearch'
import type { FieldError } from '../errors.ts'
import { lookupField } from '../query/fields.ts'
import { isDateMath, isTimeZone } from '../query/date-math.ts'
import { MASKED_FIELDS } from '../events/personal-fields.ts'
import { maskedFieldProblem } from '../query/masked-access.ts'
import { CALENDAR_INTERVALS, CARDINALITY_PRECISION, type AggregateRequest, type Metric } from './aggregate-schema.ts'
import { addUnits, floorTo, resolveDateMath, toLocal, type Unit } from './aggregate-time.ts'

type Agg = estypes.AggregationsAggregationContainer
type Query = estypes.QueryDslQueryContainer

/** Short names of the usual groupings; anything else must be an allowlisted keyword, ip or number field. */
const NAMED_GROUPS: Readonly<Record<string, string>> = {
  category: 'audit.category', action: 'event.action', importance: 'audit.importance.level', outcome: 'event.outcome',
  country: 'source.geo.country_iso_code', device: 'audit.device.type', operator: 'audit.actor.id'
}

/** The field a grouping name stands for: its own entry only (`constructor` is not a group), else the name itself. */
export const groupFieldOf = (name: string): string => Object.hasOwn(NAMED_GROUPS, name) ? NAMED_GROUPS[name] as string : name
const GROUPABLE = new Set(['keyword', 'ip', 'number'])
const CALENDAR: Record<string, { es: string, unit: Unit | 'q' }> = {
  minute: { es: '1m', unit: 'm' }, hour: { es: '1h', unit: 'h' }, day: { es: '1d', unit: 'd' }, week: { es: '1w', unit: 'w' },
  month: { es: '1M', unit: 'M' }, quarter: { es: '1q', unit: 'q' }, year: { es: '1y', unit: 'y' }
}
const FIXED = /^([1-9]\d{0,4})(ms|s|m|h|d)$/
const FIXED_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export interface Level {
  field: string
  type: 'date' | 'keyword' | 'ip' | 'number'
  size: number
  /** Terms order, or date order; always ends with the key so that ties come out the same way every time. */
  order: Array<Record<string, 'asc' | 'desc'>>
  direction: 'asc' | 'desc'
  interval?: { calendar: string, unit: Unit | 'q' } | { fixed: string, ms: number }
  zone: string
  masked: boolean
}

export interface Plan {
  levels: Level[]
  metrics: Metric[]
  /** Clauses the grouping itself adds (grouping by operator narrows to operator actions). */
  filter: Query[]
  /** Bounds of the period filter, for empty date buckets at both ends. */
  bounds: { min?: number, max?: number }
  page?: { size: number, after?: Record<string, unknown> }
}

const METRIC_OF: Record<string, Metric> = { uniqueUsers: 'uniqueUsers', uniqueIps: 'uniqueIps', 'amount.sum': 'amount', 'amount.avg': 'amount', 'amount.min': 'amount', 'amount.max': 'amount' }

/** Checks a grouping request beyond its schema and turns it into a plan; problems go to `errors` with their path. */
export function planAggregate (req: AggregateRequest, masked: boolean, now: number, errors: FieldError[]): Plan {
  const fail = (path: string, message: string): void => { errors.push({ index: 0, path, message }) }
  const metrics = new Set<Metric>(req.metrics ?? [])
  const filter: Query[] = []
  const paged = req.page !== undefined
  const periodZone = req.filters?.period?.timeZone
  const levels = req.groupBy.map((g, i): Level => {
    const at = `/groupBy/${i}`
    const field = g.field === 'date' ? '@timestamp' : groupFieldOf(g.field)
    const info = g.field === 'date' ? { type: 'date' } : lookupField(field)
    if (info === undefined) fail(`${at}/field`, `unknown field "${g.field}"`)
    else if (info.type !== 'date' && !GROUPABLE.has(info.type)) fail(`${at}/field`, `cannot group by "${g.field}" (a ${info.type} field): use date, a named group or a keyword, ip or number field`)
    else if (g.field !== 'date' && info.type === 'date') fail(`${at}/field`, `group dates with field "date" and an interval, not "${g.field}"`)
    if (req.groupBy.findIndex(o => o.field === g.field) < i) fail(`${at}/field`, 'is already grouped on at the level above')
    if (g.field === 'operator') filter.push({ term: { 'audit.actor.type': 'operator' } })
    const isDate = g.field === 'date'
    const zone = g.timeZone ?? req.timeZone ?? periodZone ?? 'UTC'
    if (!isDate && (g.interval !== undefined || g.timeZone !== undefined)) fail(`${at}/${g.interval !== undefined ? 'interval' : 'timeZone'}`, 'applies to date groups only')
    if (isDate && g.timeZone !== undefined && !isTimeZone(g.timeZone)) fail(`${at}/timeZone`, 'must be an IANA zone such as Europe/Paris, or an offset such as +02:00')
    if (isDate && g.size !== undefined) fail(`${at}/size`, 'a date level lists every bucket of the period; narrow the period or widen the interval instead')
    if (paged && g.size !== undefined) fail(`${at}/size`, 'does not apply when paging; use page.size')
    let interval: Level['interval']
    if (isDate) {
      const name = g.interval ?? 'day'
      const fixed = FIXED.exec(name)
      const cal = Object.hasOwn(CALENDAR, name) ? CALENDAR[name] : undefined
      if (cal !== undefined) interval = { calendar: cal.es, unit: cal.unit }
      else if (fixed !== null) interval = { fixed: name, ms: Number(fixed[1]) * (FIXED_MS[fixed[2] as string] as number) }
      else fail(`${at}/interval`, `must be one of ${CALENDAR_INTERVALS.join(', ')}, or a fixed interval such as 30m, 6h, 2d`)
    }
    const by = g.order?.by ?? (isDate || paged ? 'key' : 'count')
    const direction = g.order?.direction ?? (by === 'key' ? 'asc' : 'desc')
    if (paged && by !== 'key') fail(`${at}/order/by`, 'pages list groups in key order; order by key or leave the order out')
    const metric = METRIC_OF[by]
    if (metric !== undefined) metrics.add(metric)
    const sortKey = by === 'count' ? '_count' : by === 'key' ? '_key' : by
    const order = by === 'key' ? [{ _key: direction }] : [{ [sortKey]: direction }, { _key: 'asc' as const }]
    const isMasked = MASKED_FIELDS.has(field)
    // Groups of clear values, even with masked keys, would count and order what the masked form hides.
    const hidden = masked && info !== undefined ? maskedFieldProblem(field) : undefined
    if (hidden !== undefined) fail(`${at}/field`, hidden)
    const type = (info?.type ?? 'keyword') as Level['type']
    return { field, type, size: isDate ? 0 : g.size ?? 10, order, direction, ...(interval === undefined ? {} : { interval }), zone, masked: isMasked }
  })
  // Distinct addresses would tell apart addresses that look the same masked.
  if (masked && metrics.has('uniqueIps')) fail(req.metrics?.includes('uniqueIps') === true ? '/metrics' : '/groupBy', 'uniqueIps counts distinct values of field "source.ip", which is masked for this key')
  const bounds: Plan['bounds'] = {}
  const period = req.filters?.period
  for (const [key, side] of [['from', 'min'], ['to', 'max']] as const) {
    const v = period?.[key]
    if (v === undefined || !isDateMath(v) || (periodZone !== undefined && !isTimeZone(periodZone))) continue
    const ms = resolveDateMath(v, { now, ...(periodZone === undefined ? {} : { zone: periodZone }), roundUp: key === 'to' })
    if (ms !== undefined) bounds[side] = ms
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) fail('/filters/period', 'from is after to')
  const plan: Plan = { levels, metrics: [...metrics], filter, bounds }
  if (req.page !== undefined) {
    const after = req.page.after === undefined ? undefined : decodeAfter(req.page.after, levels)
    if (req.page.after !== undefined && after === undefined) fail('/page/after', 'is not an after key of this grouping')
    plan.page = { size: req.page.size ?? 100, ...(after === undefined ? {} : { after }) }
  }
  return plan
}

/** How many date buckets cover [min, max]; stops counting past the group limit. */
export function dateBuckets (level: Level, min: number, max: number): number {
  const iv = level.interval
  if (iv === undefined || max < min) return 0
  if ('fixed' in iv) return Math.floor(max / iv.ms) - Math.floor(min / iv.ms) + 1
  const start = floorTo(min, iv.unit, level.zone)
  const a = toLocal(start, level.zone)
  const b = toLocal(max, level.zone)
  switch (iv.unit) {
    case 'y': return b.y - a.y + 1
    case 'q': return Math.floor(((b.y - a.y) * 12 + b.mo - a.mo) / 3) + 1
    case 'M': return (b.y - a.y) * 12 + b.mo - a.mo + 1
    case 'w': case 'd': {
      const days = (Date.UTC(b.y, b.mo - 1, b.d) - Date.UTC(a.y, a.mo - 1, a.d)) / 86_400_000
      return Math.floor(days / (iv.unit === 'w' ? 7 : 1)) + 1
    }
    default: {
      const step = addUnits(0, iv.unit, 1, 'UTC')
      return Math.floor((max - start) / step) + 1
    }
  }
}

/** The largest number of groups the plan can produce: the product of each level's bound. */
export function groupBound (plan: Plan, range: { min: number, max: number } | undefined): number {
  return plan.levels.reduce((n, l) => n * (l.type === 'date' ? (range === undefined ? 0 : dateBuckets(l, range.min, range.max)) : l.size), 1)
}

function metricAggs (metrics: Metric[]): Record<string, Agg> {
  const out: Record<string, Agg> = {}
  if (metrics.includes('uniqueUsers')) out.uniqueUsers = { cardinality: { field: 'user.id', precision_threshold: CARDINALITY_PRECISION } }
  if (metrics.includes('uniqueIps')) out.uniqueIps = { cardinality: { field: 'source.ip', precision_threshold: CARDINALITY_PRECISION } }
  if (metrics.includes('amount')) out.amount = { stats: { field: 'audit.money.amount' } }
  return out
}

function levelAgg (l: Level, bounds: Plan['bounds']): Agg {
  if (l.type !== 'date') return { terms: { field: l.field, size: l.size, order: l.order } }
  const iv = l.interval
  const extended = bounds.min === undefined && bounds.max === undefined ? {} : { extended_bounds: { ...(bounds.min === undefined ? {} : { min: bounds.min }), ...(bounds.max === undefined ? {} : { max: bounds.max }) } }
  return {
    date_histogram: {
      field: l.field, time_zone: l.zone, min_doc_count: 0, order: l.order, ...extended,
      ...(iv !== undefined && 'fixed' in iv ? { fixed_interval: iv.fixed } : { calendar_interval: (iv as { calendar: string }).calendar as estypes.AggregationsCalendarInterval })
    }
  }
}

/** The aggregations of a plan: nested terms/date histograms with metrics, or one composite when paging. */
export function aggregationBody (plan: Plan): Record<string, Agg> {
  const metrics = metricAggs(plan.metrics)
  if (plan.page !== undefined) {
    const sources = plan.levels.map((l, i): Record<string, estypes.AggregationsCompositeAggregationSource> => {
      if (l.type !== 'date') return { [`l${i}`]: { terms: { field: l.field, order: l.direction, missing_bucket: true } } }
      const iv = l.interval
      return { [`l${i}`]: { date_histogram: { field: l.field, time_zone: l.zone, order: l.direction, ...(iv !== undefined && 'fixed' in iv ? { fixed_interval: iv.fixed } : { calendar_interval: (iv as { calendar: string }).calendar as estypes.AggregationsCalendarInterval }) } } }
    })
    return { g: { composite: { size: plan.page.size, sources, ...(plan.page.after === undefined ? {} : { after: plan.page.after as estypes.AggregationsCompositeAggregateKey }) }, aggs: metrics } }
  }
  const build = (depth: number): Record<string, Agg> => {
    const l = plan.levels[depth]
    if (l === undefined) return {}
    const sub = { ...metrics, ...build(depth + 1) }
    return {
      g: { ...levelAgg(l, plan.bounds), ...(Object.keys(sub).length === 0 ? {} : { aggs: sub }) },
      ...(l.type === 'date' ? {} : { missing: { missing: { field: l.field } } })
    }
  }
  return build(0)
}

/** `after` keys are opaque to clients: base64url JSON of the composite key. */
export function encodeAfter (key: Record<string, unknown> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(key)).toString('base64url')
}

export function decodeAfter (token: string, levels: Level[]): Record<string, unknown> | undefined {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const key = value as Record<string, unknown>
  if (Object.keys(key).length !== levels.length) return undefined
  const ok = levels.every((l, i) => {
    const v = key[`l${i}`]
    if (l.type === 'date') return typeof v === 'number' && Number.isFinite(v)
    if (v === null) return true
    return l.type === 'number' ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string' && v.length <= 1024
  })
  return ok ? key : undefined
}
