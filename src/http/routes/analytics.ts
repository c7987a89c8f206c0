import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from '@sinclair/typebox'
import type { AggregateService } from '../../analytics/aggregate-service.ts'
import type { SummariesService } from '../../analytics/summaries-service.ts'
import type { RankingService } from '../../analytics/ranking-service.ts'
import type { RulesService } from '../../analytics/rules-service.ts'
import { AggregateRequest, AggregateResponse } from '../../analytics/aggregate-schema.ts'
import { PeriodSummary, PeriodSummaryRequest, SessionSummary, SummaryTenant, UserSummary, UserSummaryParams } from '../../analytics/summaries-schema.ts'
import { RiskyUsersRequest, RiskyUsersResponse, TopEventsRequest, TopEventsResponse } from '../../analytics/ranking-schema.ts'
import { withinTenant, type ReadScope } from '../../auth/read-scope.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { bodyCheckedByService } from '../route-validation.ts'

export interface AnalyticsServices {
  aggregate: AggregateService
  summaries: SummariesService
  ranking: RankingService
  rules: RulesService
}

const errors = { 400: Type.Ref(ErrorResponse, { description: 'Invalid filters, KQL or grouping; each problem with its path' }), ...authErrors }
const notFound = { 404: Type.Ref(ErrorResponse, { description: 'No visible event has this id' }) }
const Id = Type.String({ minLength: 1, maxLength: 128 })

interface Route { url: string, summary: string, body: TSchema, examples: object[], response: TSchema, run: (body: unknown, scope: ReadScope) => Promise<unknown> }

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ services: AnalyticsServices }> = async (app, { services }) => {
  // Each service checks the body it is handed (named here by its request type) and answers 400 with every problem.
  const routes: Route[] = [
    {
      url: '/v1/events/aggregate',
      summary: 'Group events (by date, category, action, importance, country, device, operator or a field) with counts and metrics; page through every group',
      body: AggregateRequest,
      examples: [
        { filters: { period: { from: 'now-7d/d', to: 'now', timeZone: 'Europe/Paris' } }, groupBy: [{ field: 'date', interval: 'day' }, { field: 'category' }], metrics: ['uniqueUsers', 'amount'] },
        { query: 'event.action:withdrawal', groupBy: [{ field: 'country', size: 20, order: { by: 'amount.sum', direction: 'desc' } }], metrics: ['amount'] },
        { groupBy: [{ field: 'user.id' }], page: { size: 500 } }
      ],
      response: AggregateResponse,
      run: (b, s) => services.aggregate.aggregate(b as AggregateRequest, s)
    },
    {
      url: '/v1/analytics/period-summary',
      summary: 'Totals of a period by category, action, outcome and importance, with the change against the previous period of the same length',
      body: PeriodSummaryRequest,
      examples: [{ filters: { period: { from: 'now-7d/d', to: 'now/d', timeZone: 'Europe/Paris' }, category: ['money'] } }],
      response: PeriodSummary,
      run: (b, s) => services.summaries.period(b as PeriodSummaryRequest, s)
    },
    {
      url: '/v1/analytics/top-events',
      summary: 'The most important events first (importance score, then newest)',
      body: TopEventsRequest,
      examples: [{ filters: { userId: ['u-1001'], period: { from: 'now-30d' } }, size: 20 }],
      response: TopEventsResponse,
      run: (b, s) => services.ranking.topEvents(b as TopEventsRequest, s)
    },
    {
      url: '/v1/analytics/risky-users',
      summary: 'Users with the most high and critical events',
      body: RiskyUsersRequest,
      examples: [{ filters: { period: { from: 'now-7d/d', to: 'now' } }, size: 20 }],
      response: RiskyUsersResponse,
      run: (b, s) => services.ranking.riskyUsers(b as RiskyUsersRequest, s)
    }
  ]
  for (const r of routes) {
    app.post(r.url, {
      config: { scope: 'read' },
      // The service checks the body, so that schema, filter, KQL and grouping problems come back in one answer.
      ...bodyCheckedByService,
      schema: {
        tags: ['analytics'],
        summary: r.summary,
        body: { ...r.body, examples: r.examples },
        response: { 200: r.response, ...errors }
      }
    }, async request => await r.run(request.body, readScopeOf(request)))
  }

  app.get('/v1/sessions/:id/summary', {
    config: { scope: 'read' },
    schema: {
      tags: ['analytics'],
      summary: 'One session: start, end, events by category and outcome, addresses, countries, devices, money in and out, highest importance, operator actions',
      params: Type.Object({ id: Id }),
      querystring: SummaryTenant,
      response: { 200: SessionSummary, ...errors, ...notFound }
    }
  }, async request => await services.summaries.session(request.params.id, withinTenant(readScopeOf(request), request.query.tenant)))

  app.get('/v1/users/:id/summary', {
    config: { scope: 'read' },
    schema: {
      tags: ['analytics'],
      summary: 'One user over a period (default the last 30 days) against the period before, with first and last seen, addresses, countries, devices, money in and out',
      params: Type.Object({ id: Id }),
      querystring: UserSummaryParams,
      response: { 200: UserSummary, ...errors, ...notFound }
    }
  }, async request => await services.summaries.user(request.params.id, request.query, withinTenant(readScopeOf(request), request.query.tenant)))
}
