import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import type { EventsAggregator } from '../store/events/events-aggregate.ts'
import { AggregateRequest, MAX_GROUPS, type AggregateResponse } from './aggregate-schema.ts'
import { aggregationBody, groupBound, planAggregate } from './aggregate-body.ts'
import { readGroups, readPage, type RawLevel } from './aggregate-result.ts'

type Query = estypes.QueryDslQueryContainer

/** A query narrowed by more clauses (AND). */
export function narrow (query: Query, clauses: Query[]): Query {
  return clauses.length === 0 ? query : { bool: { filter: [query, ...clauses] } }
}

export interface Clock { now: () => number }

const checkRequest = compileChecker(AggregateRequest)

/** Groups and counts events under the same filters and KQL as search, confined to the caller's scope. */
export class AggregateService {
  constructor (private readonly store: EventsAggregator, private readonly clock: Clock = Date) {}

  async aggregate (req: AggregateRequest, scope: ReadScope): Promise<AggregateResponse> {
    const shape = checkRequest(req, 0)
    if (shape.length > 0) throw new ValidationError(shape, 'the aggregation is invalid')
    const errors: FieldError[] = []
    const base = buildQuery(req, scope, errors)
    const plan = planAggregate(req, scope.masked, this.clock.now(), errors)
    if (errors.length > 0) throw new ValidationError(errors, 'the aggregation is invalid')
    const query = narrow(base, plan.filter)

    if (plan.page === undefined) {
      const date = plan.levels.some(l => l.type === 'date')
      let range: { min: number, max: number } | undefined
      if (date) {
        const { min, max } = plan.bounds
        const data = min === undefined || max === undefined ? await this.store.timeRange(query) : undefined
        const lo = min ?? data?.min
        const hi = max ?? data?.max
        range = lo === undefined || hi === undefined ? undefined : { min: lo, max: hi }
      }
      const bound = groupBound(plan, range)
      if (bound > MAX_GROUPS) {
        throw new ValidationError([{ index: 0, path: '/groupBy', message: `up to ${bound} groups; at most ${MAX_GROUPS} in one answer: lower the sizes, widen the interval, narrow the period, or page with "page"` }], 'the aggregation is invalid')
      }
    }

    const answer = await this.store.run({ query, aggs: aggregationBody(plan) })
    const aggs = answer.aggregations as { g?: RawLevel, missing?: { doc_count: number } }
    const grouped = plan.page === undefined ? readGroups(plan, aggs, scope.masked) : readPage(plan, aggs, scope.masked)
    return { total: answer.total, ...grouped, took_ms: answer.tookMs }
  }
}
