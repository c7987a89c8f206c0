import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { NotFoundError, ValidationError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import type { EventsAggregator } from '../store/events/events-aggregate.ts'
import { narrow, type Clock } from './aggregate-service.ts'
import { PeriodSummaryRequest, type PeriodSummary, type SessionSummary, type UserSummary, type UserSummaryParams } from './summaries-schema.ts'
import { breakdownAggs, counts, eventRef, iso, profileAggs, readPeriod, readProfile, sessionAggs, windowFilter } from './summaries-body.ts'
import { periodWindows, type Window } from './summaries-period.ts'

type Aggs = Record<string, unknown> & { doc_count: number }
const checkPeriod = compileChecker(PeriodSummaryRequest)
const invalid = (errors: FieldError[]): ValidationError => new ValidationError(errors, 'the summary request is invalid')

/** Summaries of a session, a period (against the one before) and a user, under the caller's read scope. */
export class SummariesService {
  constructor (private readonly store: EventsAggregator, private readonly clock: Clock = Date) {}

  async session (id: string, scope: ReadScope): Promise<SessionSummary> {
    const query = this.query({ filters: { sessionId: [id] } }, scope)
    const r = await this.store.run({
      query,
      aggs: sessionAggs(),
      // The highest-importance event comes as the one hit: score first, then the latest.
      size: 1,
      sort: [{ 'audit.importance.score': { order: 'desc' } }, { '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'asc' } }]
    })
    if (r.total === 0) throw new NotFoundError(`no events in session "${id}"`)
    const a = r.aggregations
    const start = (a.start as { value: number }).value
    const end = (a.end as { value: number }).value
    const top = r.hits[0]
    const importance = top?.source.audit as { importance?: { level: 'low' | 'medium' | 'high' | 'critical', score: number, rule: string } } | undefined
    const operators = a.operators as { doc_count: number, events: { hits: { hits: estypes.SearchHit[] } } }
    return {
      total: r.total,
      sessionId: id,
      users: Object.keys(counts(a.users)),
      start: iso(start),
      end: iso(end),
      durationMs: end - start,
      byCategory: counts(a.byCategory),
      byOutcome: counts(a.byOutcome),
      ...readProfile(a, scope.masked),
      highestImportance: top === undefined || importance?.importance === undefined ? null : { ...importance.importance, event: eventRef(top, scope.masked) },
      operatorActions: { total: operators.doc_count, events: operators.events.hits.hits.map(h => eventRef(h, scope.masked)) }
    }
  }

  async period (req: PeriodSummaryRequest, scope: ReadScope): Promise<PeriodSummary> {
    const shape = checkPeriod(req, 0)
    if (shape.length > 0) throw invalid(shape)
    const errors: FieldError[] = []
    const windows = periodWindows(req.filters.period, this.clock.now(), errors)
    const { period: _period, ...filters } = req.filters
    const base = buildQuery({ ...req, filters }, scope, errors)
    if (errors.length > 0 || windows === undefined) throw invalid(errors)
    const r = await this.store.run({
      query: narrow(base, [windowFilter({ from: windows.previous.from, to: windows.current.to })]),
      aggs: this.windowAggs(windows, {})
    })
    return readPeriod(r.aggregations.current as Aggs, r.aggregations.previous as Aggs, windows)
  }

  async user (id: string, params: UserSummaryParams, scope: ReadScope): Promise<UserSummary> {
    const errors: FieldError[] = []
    const windows = periodWindows({ from: params.from ?? 'now-30d', to: params.to ?? 'now', timeZone: params.tz }, this.clock.now(), errors, '/querystring')
    // The zone is the querystring's `tz`, not a `timeZone` field.
    for (const e of errors) if (e.path === '/querystring/timeZone') e.path = '/querystring/tz'
    if (windows === undefined) throw invalid(errors)
    // All of the user's events: first and last seen are over all time, the windows are sub-aggregations.
    const r = await this.store.run({
      query: this.query({ filters: { userId: [id] } }, scope),
      aggs: { firstSeen: { min: { field: '@timestamp' } }, lastSeen: { max: { field: '@timestamp' } }, ...this.windowAggs(windows, profileAggs()) }
    })
    if (r.total === 0) throw new NotFoundError(`no events about user "${id}"`)
    const cur = r.aggregations.current as Aggs
    return {
      ...readPeriod(cur, r.aggregations.previous as Aggs, windows),
      userId: id,
      firstSeen: iso((r.aggregations.firstSeen as { value: number | null }).value),
      lastSeen: iso((r.aggregations.lastSeen as { value: number | null }).value),
      ...readProfile(cur, scope.masked)
    }
  }

  private windowAggs (w: { current: Window, previous: Window }, extra: Record<string, estypes.AggregationsAggregationContainer>): Record<string, estypes.AggregationsAggregationContainer> {
    return {
      current: { filter: windowFilter(w.current), aggs: { ...breakdownAggs(), ...extra } },
      previous: { filter: windowFilter(w.previous), aggs: breakdownAggs() }
    }
  }

  private query (req: Parameters<typeof buildQuery>[0], scope: ReadScope): estypes.QueryDslQueryContainer {
    const errors: FieldError[] = []
    const q = buildQuery(req, scope, errors)
    if (errors.length > 0) throw invalid(errors)
    return q
  }
}
