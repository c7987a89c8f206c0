import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { AggregateService } from '../../analytics/aggregate-service.ts'
import type { SummariesService } from '../../analytics/summaries-service.ts'
import type { RankingService } from '../../analytics/ranking-service.ts'
import type { RulesService } from '../../analytics/rules-service.ts'
import { AggregateRequest, AggregateResponse } from '../../analytics/aggregate-schema.ts'
import { PeriodSummary, PeriodSummaryRequest, SessionSummary, UserSummary, UserSummaryParams } from '../../analytics/summaries-schema.ts'
import { RiskyUsersRequest, RiskyUsersResponse, TopEventsRequest, TopEventsResponse } from '../../analytics/ranking-schema.ts'
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

const examples = {
  aggregate: [
    { filters: { period: { from: 'now-7d/d', to: 'now', timeZone: 'Europe/Paris' } }, groupBy: [{ field: 'date', interval: 'day' }, { field: 'category' }], metrics: ['uniqueUsers', 'amount'] },
    { query: 'event.action:withdrawal', groupBy: [{ field: 'country', size: 20, order: { by: 'amount.sum', direction: 'desc' } }], metrics: ['amount'] },
    { groupBy: [{ field: 'user.id' }], page: { size: 500 } }
  ],
  period: [{ filters: { period: { from: 'now-7d/d', to: 'now/d', timeZone: 'Europe/Paris' }, category: ['money'] } }],
  top: [{ filters: { userId: ['u-1001'], period: { from: 'now-30d' } }, size: 20 }],
  risky: [{ filters: { period: { from: 'now-7d/d', to: 'now' } }, size: 20 }]
}

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ services: AnalyticsServices }> = async (app, { services }) => {
  app.post('/v1/events/aggregate', {
    config: { scope: 'read' },
    // The service checks the body, so that schema, filter, KQL and grouping problems come back in one answer.
    ...bodyCheckedByService,
    schema: {
      tags: ['analytics'],
      summary: 'Group events (by date, category, action, importance, country, device, operator or a field) with counts and metrics; page through every group',
      body: { ...AggregateRequest, examples: examples.aggregate },
      response: { 200: AggregateResponse, ...errors }
    }
  }, async request => await services.aggregate.aggregate(request.body, readScopeOf(request)))

  app.post('/v1/analytics/period-summary', {
    config: { scope: 'read' },
    // The service checks the body, so that schema, filter, KQL and grouping problems come back in one answer.
    ...bodyCheckedByService,
    schema: {
      tags: ['analytics'],
      summary: 'Totals of a period by category, action, outcome and importance, with the change against the previous period of the same length',
      body: { ...PeriodSummaryRequest, examples: examples.period },
      response: { 200: PeriodSummary, ...errors }
    }
  }, async request => await services.summaries.period(request.body, readScopeOf(request)))

  app.post('/v1/analytics/top-events', {
    config: { scope: 'read' },
    // The service checks the body, so that schema, filter, KQL and grouping problems come back in one answer.
    ...bodyCheckedByService,
    schema: {
      tags: ['analytics'],
      summary: 'The most important events first (importance score, then newest)',
      body: { ...TopEventsRequest, examples: examples.top },
      response: { 200: TopEventsResponse, ...errors }
    }
  }, async request => await services.ranking.topEvents(request.body, readScopeOf(request)))

  app.post('/v1/analytics/risky-users', {
    config: { scope: 'read' },
    // The service checks the body, so that schema, filter, KQL and grouping problems come back in one answer.
    ...bodyCheckedByService,
    schema: {
      tags: ['analytics'],
      summary: 'Users with the most high and critical events',
      body: { ...RiskyUsersRequest, examples: examples.risky },
      response: { 200: RiskyUsersResponse, ...errors }
    }
  }, async request => await services.ranking.riskyUsers(request.body, readScopeOf(request)))

  app.get('/v1/sessions/:id/summary', {
    config: { scope: 'read' },
    schema: {
      tags: ['analytics'],
      summary: 'One session: start, end, events by category and outcome, addresses, countries, devices, money in and out, highest importance, operator actions',
      params: Type.Object({ id: Id }),
      response: { 200: SessionSummary, ...errors, ...notFound }
    }
  }, async request => await services.summaries.session(request.params.id, readScopeOf(request)))

  app.get('/v1/users/:id/summary', {
    config: { scope: 'read' },
    schema: {
      tags: ['analytics'],
      summary: 'One user over a period (default the last 30 days) against the period before, with first and last seen, addresses, countries, devices, money in and out',
      params: Type.Object({ id: Id }),
      querystring: UserSummaryParams,
      response: { 200: UserSummary, ...errors, ...notFound }
    }
  }, async request => await services.summaries.user(request.params.id, request.query, readScopeOf(request)))
}
