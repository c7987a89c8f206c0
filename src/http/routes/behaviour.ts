import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from '@sinclair/typebox'
import type { BehaviourService } from '../../analytics/behaviour/behaviour-service.ts'
import { FunnelRequest, FunnelResponse } from '../../analytics/behaviour/funnel.ts'
import { NextActionsRequest, NextActionsResponse } from '../../analytics/behaviour/next-actions.ts'
import { SessionsRequest, SessionsResponse } from '../../analytics/behaviour/sessions.ts'
import { CohortsRequest, CohortsResponse } from '../../analytics/behaviour/cohorts.ts'
import type { ReadScope } from '../../auth/read-scope.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const errors = {
  400: Type.Ref(ErrorResponse, { description: 'Invalid parameters, filters or KQL; each problem with its path' }),
  ...authErrors
}

interface Route { url: string, summary: string, description: string, body: TSchema, example: object, response: TSchema, run: (body: unknown, scope: ReadScope) => Promise<unknown> }

export const behaviourRoutes: FastifyPluginAsyncTypebox<{ behaviour: BehaviourService }> = async (app, { behaviour }) => {
  const routes: Route[] = [
    {
      url: '/v1/behaviour/funnel',
      summary: 'Ordered funnel: users reaching each step within a window, conversions and median time between steps',
      description: 'A user\'s first event of step 1 starts the attempt; each next step is the first later event of one of its actions, at most `window` after the start. Events of the steps are streamed in user order, up to `scanLimit`.',
      body: FunnelRequest,
      example: { filters: { period: { from: 'now-30d/d' } }, steps: [['registration'], ['deposit'], ['bet_placed']], window: '7d' },
      response: FunnelResponse,
      run: (b, s) => behaviour.funnel(b, s)
    },
    {
      url: '/v1/behaviour/next-actions',
      summary: 'What users do right after an action: the most frequent next actions, with counts and shares',
      description: 'The next action is the user\'s next event by time (same-millisecond events in id order), within the same session unless `sameSession` is false.',
      body: NextActionsRequest,
      example: { filters: { period: { from: 'now-7d' } }, action: 'deposit', top: 5 },
      response: NextActionsResponse,
      run: (b, s) => behaviour.nextActions(b, s)
    },
    {
      url: '/v1/behaviour/sessions',
      summary: 'Session length and actions per session: percentiles, mean and fixed-bucket histograms',
      description: 'Sessions (audit.session.id) of the filtered events, streamed in user and session order (first and last time, events per session), up to `scanLimit` events with a session; a session cut by the limit counts as read so far.',
      body: SessionsRequest,
      example: { filters: { period: { from: 'now-7d' }, deviceType: ['mobile'] } },
      response: SessionsResponse,
      run: (b, s) => behaviour.sessions(b, s)
    },
    {
      url: '/v1/behaviour/cohorts',
      summary: 'Weekly retention cohorts: users by first-seen ISO week, active in each following week',
      description: 'First seen is the first week with a filtered event of the user; weeks start on Monday at midnight in `timeZone`.',
      body: CohortsRequest,
      example: { filters: { period: { from: 'now-12w/w', timeZone: 'Europe/Paris' } }, timeZone: 'Europe/Paris', weeks: 8 },
      response: CohortsResponse,
      run: (b, s) => behaviour.cohorts(b, s)
    }
  ]
  for (const r of routes) {
    app.post(r.url, {
      config: { scope: 'read' },
      // The service validates the body itself, so that schema, filter and KQL problems come back together.
      ...bodyCheckedByService,
      schema: {
        tags: ['behaviour'],
        summary: r.summary,
        description: r.description,
        body: { ...r.body, examples: [r.example] },
        response: { 200: r.response, ...errors }
      }
    }, async request => await r.run(request.body, readScopeOf(request)))
  }
}
