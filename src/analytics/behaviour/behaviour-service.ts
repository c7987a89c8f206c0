import type { ReadScope } from '../../auth/read-scope.ts'
import type { EventsScanner } from '../../store/events/events-scan.ts'
import { and, DEFAULT_SCAN_LIMIT, durationOf, requestChecker, str } from './request.ts'
import { FunnelCounter, FunnelRequest, MAX_FUNNEL_WINDOW_MS, type FunnelResponse } from './funnel.ts'
import { NextActionCounter, NextActionsRequest, type NextActionsResponse } from './next-actions.ts'
import { SessionsRequest, SessionStats, type SessionsResponse } from './sessions.ts'
import { CohortsRequest, CohortTable, type CohortsResponse } from './cohorts.ts'
import type { EntitySource } from '../entities/source.ts'
import { funnelFromEntities } from '../entities/funnel-entities.ts'
import { cohortsFromEntities } from '../entities/cohorts-entities.ts'

const INVALID = 'the request is invalid'
const checkFunnel = requestChecker<FunnelRequest>(FunnelRequest, INVALID)
const checkNext = requestChecker<NextActionsRequest>(NextActionsRequest, INVALID)
const checkSessions = requestChecker<SessionsRequest>(SessionsRequest, INVALID)
const checkCohorts = requestChecker<CohortsRequest>(CohortsRequest, INVALID)

/**
 * Behaviour analytics over the events a search would return. Funnels and paths stream the events in user
 * order (only the current user's state is held); session statistics stream events in user and session order,
 * cohorts composite buckets.
 * Funnels and cohorts over whole histories come from the entity store when it can answer (`source`).
 */
export class BehaviourService {
  constructor (private readonly scanner: EventsScanner, private readonly source?: EntitySource) {}

  async funnel (body: unknown, scope: ReadScope): Promise<FunnelResponse> {
    let windowMs = 0
    const { req, query } = checkFunnel(body, scope, (r, errors) => {
      windowMs = durationOf(r.window ?? '7d', '/window', MAX_FUNNEL_WINDOW_MS, '366d', errors)
    })
    const limit = req.scanLimit ?? DEFAULT_SCAN_LIMIT
    const store = this.source?.entities
    if (await this.source?.choose(req, scope) === 'entities' && store !== undefined) {
      return { windowMs, ...await funnelFromEntities(store, this.scanner, scope, req.steps, windowMs, limit) }
    }
    const counter = new FunnelCounter(req.steps, windowMs)
    // Only events of the steps' actions can move a user through the funnel.
    const actions = [...new Set(req.steps.flat())]
    const bounds = await this.scanner.scan({
      query: and(query, { terms: { 'event.action': actions } }), keys: ['user.id'], fields: ['event.action'], limit
    }, events => {
      for (const e of events) counter.push(e.keys[0] ?? '', e.time, str(e.fields['event.action']) ?? '')
    })
    return { windowMs, steps: counter.result(), bounds: { ...bounds, source: 'scan' } }
  }

  async nextActions (body: unknown, scope: ReadScope): Promise<NextActionsResponse> {
    const { req, query } = checkNext(body, scope)
    const sameSession = req.sameSession ?? true
    const counter = new NextActionCounter(req.action, sameSession)
    const bounds = await this.scanner.scan({
      query, keys: sameSession ? ['user.id', 'audit.session.id'] : ['user.id'], fields: ['event.action'], limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, events => {
      for (const e of events) counter.push(e.keys[0] ?? '', sameSession ? e.keys[1] ?? null : null, str(e.fields['event.action']) ?? '')
    })
    return { ...counter.result(req.top ?? 10), bounds }
  }

  async sessions (body: unknown, scope: ReadScope): Promise<SessionsResponse> {
    const { req, query } = checkSessions(body, scope)
    const stats = new SessionStats()
    // Streaming the events sorted by user and session reads a page per range of users; a composite
    // aggregation over session ids costs a pass over every event per page, which is far slower at scale.
    const bounds = await this.scanner.scan({
      query: and(query, { exists: { field: 'audit.session.id' } }), keys: ['user.id', 'audit.session.id'], fields: [], limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, events => {
      for (const e of events) stats.push(e.keys[0] ?? '', e.keys[1] ?? '', e.time)
    })
    // A session cut by the limit is counted as read so far.
    stats.finish()
    return { ...stats.result(), bounds }
  }

  async cohorts (body: unknown, scope: ReadScope): Promise<CohortsResponse> {
    const { req, query } = checkCohorts(body, scope)
    const weeks = req.weeks ?? 8
    const timeZone = req.timeZone ?? req.filters?.period?.timeZone ?? 'UTC'
    const store = this.source?.entities
    if (await this.source?.choose(req, scope) === 'entities' && store !== undefined) {
      return { weeks, timeZone, ...await cohortsFromEntities(store, scope, weeks, timeZone, req.scanLimit ?? DEFAULT_SCAN_LIMIT) }
    }
    const table = new CohortTable(weeks)
    // Buckets come by user, then week: a user's first bucket is the week they were first seen.
    const bounds = await this.scanner.composite({
      query,
      planField: 'user.id',
      sources: [
        { user: { terms: { field: 'user.id' } } },
        { week: { date_histogram: { field: '@timestamp', calendar_interval: '1w', time_zone: timeZone, format: 'yyyy-MM-dd' } } }
      ],
      limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, buckets => {
      for (const b of buckets) table.push(String(b.key.user), String(b.key.week))
    })
    return { weeks, timeZone, cohorts: table.result(), bounds: { ...bounds, source: 'scan' } }
  }
}
