import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { ValidationError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import type { EventsAggregator } from '../store/events/events-aggregate.ts'
import type { Level } from '../events/schema.ts'
import { narrow } from './aggregate-service.ts'
import { eventRef, iso } from './summaries-body.ts'
import { RiskyUsersRequest, TopEventsRequest, type RiskyUser, type RiskyUsersResponse, type TopEventsResponse } from './ranking-schema.ts'
import type { EntitySource } from './entities/source.ts'
import { riskyFromEntities } from './entities/risky-entities.ts'

/** Most important first; among equals the newest, then a stable order. */
export const TOP_EVENTS_SORT: estypes.SortCombinations[] = [
  { 'audit.importance.score': { order: 'desc' } }, { '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }
]

export function riskyUsersAggs (size: number): Record<string, estypes.AggregationsAggregationContainer> {
  return {
    users: {
      // Each partition sends more candidates than asked, so that the top users' counts come out whole.
      terms: { field: 'user.id', size, shard_size: Math.max(size * 5, 500), order: [{ _count: 'desc' }, { maxScore: 'desc' }, { _key: 'asc' }] },
      aggs: {
        maxScore: { max: { field: 'audit.importance.score' } },
        lastSeen: { max: { field: '@timestamp' } },
        byLevel: { terms: { field: 'audit.importance.level', size: 4 } }
      }
    }
  }
}

interface UsersAgg {
  buckets: Array<{ key: string, doc_count: number, maxScore: { value: number }, lastSeen: { value: number }, byLevel: { buckets: Array<{ key: string, doc_count: number }> } }>
  sum_other_doc_count: number
  doc_count_error_upper_bound: number
}

export function readRiskyUsers (agg: UsersAgg): { users: RiskyUser[], complete: boolean, exact: boolean } {
  return {
    users: agg.buckets.map(b => ({
      userId: b.key,
      events: b.doc_count,
      byLevel: Object.fromEntries(b.byLevel.buckets.map(l => [l.key, l.doc_count])),
      maxScore: b.maxScore.value,
      lastSeen: iso(b.lastSeen.value) as string
    })),
    complete: agg.sum_other_doc_count === 0,
    exact: agg.sum_other_doc_count === 0 || agg.doc_count_error_upper_bound === 0
  }
}

const checkTop = compileChecker(TopEventsRequest)
const checkRisky = compileChecker(RiskyUsersRequest)

/** Importance ranking: the most important events, and the users with the most important events. */
export class RankingService {
  /** `source`: the entity store, which counts each user's events per level (risky users over whole histories). */
  constructor (private readonly store: EventsAggregator, private readonly source?: EntitySource) {}

  async topEvents (req: TopEventsRequest, scope: ReadScope): Promise<TopEventsResponse> {
    const query = this.query(req, scope, checkTop(req, 0))
    const r = await this.store.run({ query, size: req.size ?? 50, sort: TOP_EVENTS_SORT })
    return { total: r.total, events: r.hits.map(h => eventRef(h, scope.masked)), took_ms: r.tookMs }
  }

  async riskyUsers (req: RiskyUsersRequest, scope: ReadScope): Promise<RiskyUsersResponse> {
    const base = this.query(req, scope, checkRisky(req, 0))
    const levels: Level[] = req.levels ?? ['high', 'critical']
    const entities = this.source?.entities
    if (await this.source?.choose(req, scope) === 'entities' && entities !== undefined) {
      const t0 = performance.now()
      const found = await riskyFromEntities(entities, scope, levels, req.size ?? 20)
      return { ...found, source: 'entities', took_ms: Math.round(performance.now() - t0) }
    }
    const r = await this.store.run({ query: narrow(base, [{ terms: { 'audit.importance.level': levels } }]), aggs: riskyUsersAggs(req.size ?? 20) })
    return { total: r.total, ...readRiskyUsers(r.aggregations.users as UsersAgg), source: 'scan', took_ms: r.tookMs }
  }

  private query (req: TopEventsRequest | RiskyUsersRequest, scope: ReadScope, shape: FieldError[]): estypes.QueryDslQueryContainer {
    if (shape.length > 0) throw new ValidationError(shape, 'the ranking request is invalid')
    const errors: FieldError[] = []
    const query = buildQuery(req, scope, errors)
    if (errors.length > 0) throw new ValidationError(errors, 'the ranking request is invalid')
    return query
  }
}
