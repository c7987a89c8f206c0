import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'

export const CALENDAR_INTERVALS = ['minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'] as const
export const METRICS = ['uniqueUsers', 'uniqueIps', 'amount'] as const
export type Metric = typeof METRICS[number]
export const ORDER_BY = ['count', 'key', 'uniqueUsers', 'uniqueIps', 'amount.sum', 'amount.avg', 'amount.min', 'amount.max'] as const

export const MAX_LEVEL_SIZE = 1000
export const MAX_GROUPS = 10_000
/** Below this many distinct values, unique counts are exact; above, within a few percent. */
export const CARDINALITY_PRECISION = 40_000

const Direction = Type.Union([Type.Literal('asc'), Type.Literal('desc')])

export const GroupSpec = Type.Object({
  field: Type.String({
    minLength: 1, maxLength: 100,
    description: '`date`, `category`, `action`, `importance`, `outcome`, `country`, `device`, `operator` (restricts to operator actions), or a keyword, ip or number field such as `audit.money.currency`'
  }),
  interval: Type.Optional(Type.String({ maxLength: 16, description: 'For `date`: minute, hour, day, week, month, quarter, year, or a fixed interval such as 30m, 6h, 2d' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'For `date`: zone of the buckets; default the request\'s timeZone, then the period\'s, then UTC' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEVEL_SIZE, description: 'Top-N groups at this level (default 10); dates list every bucket of the period' })),
  order: Type.Optional(Type.Object({
    by: Type.Union(ORDER_BY.map(o => Type.Literal(o))),
    direction: Type.Optional(Direction)
  }, { additionalProperties: false, description: 'Default: count descending; dates, and every level when paging, key ascending; ties by key' }))
}, { additionalProperties: false })
export type GroupSpec = Static<typeof GroupSpec>

export const AggregateRequest = Type.Object({
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates in the KQL query, and default zone of date groups' })),
  groupBy: Type.Array(GroupSpec, { minItems: 1, maxItems: 2, description: 'One or two nested levels' }),
  metrics: Type.Optional(Type.Array(Type.Union(METRICS.map(m => Type.Literal(m))), { maxItems: 3, uniqueItems: true, description: 'Counts always come; uniqueUsers and uniqueIps are exact below 40,000 distinct values, approximate above' })),
  page: Type.Optional(Type.Object({
    size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LEVEL_SIZE, default: 100 })),
    after: Type.Optional(Type.String({ maxLength: 4096, description: 'The `after` of the previous page' }))
  }, { additionalProperties: false, description: 'Walk every group (every combination of the levels) in key order, page by page' }))
}, { additionalProperties: false, $id: 'AggregateRequest' })
export type AggregateRequest = Static<typeof AggregateRequest>

const Scalar = (description?: string) => Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], description === undefined ? {} : { description })
const Nullable = Type.Union([Type.Number(), Type.Null()])

export const GroupMetrics = Type.Object({
  uniqueUsers: Type.Optional(Type.Integer()),
  uniqueIps: Type.Optional(Type.Integer()),
  amount: Type.Optional(Type.Object({ count: Type.Integer(), sum: Type.Number(), avg: Nullable, min: Nullable, max: Nullable }, { description: 'Over events with an amount, in their own currencies' }))
})
export type GroupMetrics = Static<typeof GroupMetrics>

const groupFields = {
  key: Scalar('The value; a date group is its bucket start in the bucket zone'),
  keys: Type.Optional(Type.Array(Scalar(), { description: 'When paging: the value of each level' })),
  count: Type.Integer(),
  metrics: GroupMetrics
}
const SubGroup = Type.Object(groupFields)
export const Group = Type.Object({
  ...groupFields,
  groups: Type.Optional(Type.Array(SubGroup, { description: 'The second level' })),
  otherCount: Type.Optional(Type.Integer({ description: 'Events of this group in sub-groups beyond the top-N' })),
  missingCount: Type.Optional(Type.Integer({ description: 'Events of this group without a value for the second level' }))
})
export type Group = Static<typeof Group>

export const AggregateResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events' }),
  groups: Type.Array(Group),
  otherCount: Type.Integer({ description: 'Events in groups beyond the top-N of the first level' }),
  missingCount: Type.Integer({ description: 'Events without a value for the first level' }),
  complete: Type.Boolean({ description: 'Every group of every level is listed (no top-N cut)' }),
  exact: Type.Boolean({ description: 'The groups shown are the true top-N with exact counts. False when groups were left out and counts across partitions may be underestimated, or the order (by a metric, or fewest first) cannot be guaranteed' }),
  after: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'When paging: send it as page.after for the next page; null on the last page' })),
  took_ms: Type.Integer()
}, { $id: 'AggregateResponse' })
export type AggregateResponse = Static<typeof AggregateResponse>
