import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from '@sinclair/typebox'
import type { SignalsService } from '../../analytics/signals/signals-service.ts'
import { FailedLoginsRequest, FailedLoginsResponse } from '../../analytics/signals/failed-logins.ts'
import { ImpossibleTravelRequest, ImpossibleTravelResponse } from '../../analytics/signals/impossible-travel.ts'
import { SharedKeysRequest, SharedKeysResponse } from '../../analytics/signals/shared-keys.ts'
import { ChangeWithdrawRequest, ChangeWithdrawResponse } from '../../analytics/signals/change-withdraw.ts'
import type { ReadScope } from '../../auth/read-scope.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const errors = {
  400: Type.Ref(ErrorResponse, { description: 'Invalid parameters, filters or KQL; each problem with its path' }),
  ...authErrors
}

interface Route { url: string, summary: string, description: string, body: TSchema, example: object, response: TSchema, run: (body: unknown, scope: ReadScope) => Promise<unknown> }

export const signalsRoutes: FastifyPluginAsyncTypebox<{ signals: SignalsService }> = async (app, { signals }) => {
  const routes: Route[] = [
    {
      url: '/v1/signals/failed-logins',
      summary: 'Failed sign-in bursts per user or per source address, over an exact sliding window',
      description: 'A failed sign-in is `login_failed`, or `login` or `mfa_verified` with outcome failure. A key is reported when at least `threshold` of them fall within `window` of each other; the figure is its densest window.',
      body: FailedLoginsRequest,
      example: { filters: { period: { from: 'now-1d' } }, by: 'ip', threshold: 5, window: '10m' },
      response: FailedLoginsResponse,
      run: (b, s) => signals.failedLogins(b, s)
    },
    {
      url: '/v1/signals/impossible-travel',
      summary: 'Consecutive successful sign-ins of a user too far apart for the time between them',
      description: 'Located successful `login` events of each user, in time order; a pair at least `minDistanceKm` apart (haversine over source.geo.location) needing more than `maxSpeedKmh` is a signal.',
      body: ImpossibleTravelRequest,
      example: { filters: { period: { from: 'now-7d' } }, maxSpeedKmh: 1000 },
      response: ImpossibleTravelResponse,
      run: (b, s) => signals.impossibleTravel(b, s)
    },
    {
      url: '/v1/signals/shared-device',
      summary: 'Devices or source addresses used by many accounts',
      description: 'Keys (audit.device.id or source.ip) with at least `minUsers` distinct users among the filtered events, most users first, each checked against its exact list of users.',
      body: SharedKeysRequest,
      example: { filters: { period: { from: 'now-30d' } }, by: 'device', minUsers: 3 },
      response: SharedKeysResponse,
      run: (b, s) => signals.sharedKeys(b, s)
    },
    {
      url: '/v1/signals/change-then-withdraw',
      summary: 'A credential or payout-details change followed by a withdrawal of the same user within a window',
      description: 'Changes: password_changed, email_changed, payout_details_changed, password_reset_completed, mfa_disabled (not failed). One signal per change followed by a withdrawal at most `window` later.',
      body: ChangeWithdrawRequest,
      example: { filters: { period: { from: 'now-7d' } }, window: '24h' },
      response: ChangeWithdrawResponse,
      run: (b, s) => signals.changeThenWithdraw(b, s)
    }
  ]
  for (const r of routes) {
    app.post(r.url, {
      config: { scope: 'read' },
      // The service validates the body itself, so that schema, filter and KQL problems come back together.
      ...bodyCheckedByService,
      schema: {
        tags: ['signals'],
        summary: r.summary,
        description: r.description,
        body: { ...r.body, examples: [r.example] },
        response: { 200: r.response, ...errors }
      }
    }, async request => await r.run(request.body, readScopeOf(request)))
  }
}
