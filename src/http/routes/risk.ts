import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { RiskService } from '../../analytics/risk/risk-service.ts'
import { RiskRequest, RiskResponse } from '../../analytics/risk/risk-schema.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { bodyCheckedByService } from '../route-validation.ts'

export const riskRoutes: FastifyPluginAsyncTypebox<{ risk: RiskService }> = async (app, { risk }) => {
  app.post('/v1/analytics/risk', {
    config: { scope: 'read' },
    // The service checks the body, so that schema, filter and KQL problems come back in one answer.
    ...bodyCheckedByService,
    schema: {
      tags: ['analytics'],
      summary: 'Users, devices or addresses ranked by risk: fraud-signal findings, open alerts and important events, decayed by a half-life, each with what contributed',
      description: 'With `subject: "device"` or `"ip"`, findings and alerts that name a device or an address count for it, those about users count for the devices and addresses their events happened on, and each one lists the users seen on it.',
      body: { ...RiskRequest, examples: [{ filters: { period: { from: 'now-30d' } }, halfLife: '7d', size: 20 }, { subject: 'device', filters: { period: { from: 'now-30d' } }, size: 20 }] },
      response: { 200: RiskResponse, 400: Type.Ref(ErrorResponse, { description: 'Invalid filters, KQL, subject or half-life; each problem with its path' }), ...authErrors }
    }
  }, async request => await risk.rank(request.body, readScopeOf(request)))
}
