import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { RulesService } from '../../analytics/rules-service.ts'
import { RulesTable, RulesUpdate } from '../../analytics/rules-schema.ts'
import { DEFAULT_IMPORTANCE_RULES } from '../../events/importance-rules.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { bodyCheckedByService } from '../route-validation.ts'

export const rulesRoutes: FastifyPluginAsyncTypebox<{ rules: RulesService }> = async (app, { rules }) => {
  app.get('/v1/importance-rules', {
    config: { scope: 'read' },
    schema: {
      tags: ['rules'],
      summary: 'The importance rule table new events are rated with, and its version',
      response: { 200: RulesTable, ...authErrors }
    }
  }, async () => await rules.get())

  app.put('/v1/importance-rules', {
    config: { scope: 'admin', audit: 'importance_rules.updated' },
    // The service checks the body, so that schema problems and repeated ids come back together.
    ...bodyCheckedByService,
    schema: {
      tags: ['rules'],
      summary: 'Replace the importance rule table (send the version you read); new events use it within seconds, stored events keep their level',
      body: { ...RulesUpdate, examples: [{ version: 0, rules: DEFAULT_IMPORTANCE_RULES.slice(0, 2) }] },
      response: {
        200: RulesTable,
        400: Type.Ref(ErrorResponse, { description: 'Invalid table; each problem with its path' }),
        ...authErrors,
        409: Type.Ref(ErrorResponse, { description: 'The table changed since the version sent was read' })
      }
    }
  }, async request => {
    const principal = request.principal
    if (principal === undefined) throw new Error('the rules route runs without authentication')
    return await rules.put(request.body, { keyId: principal.keyId, tenant: principal.tenant })
  })
}
