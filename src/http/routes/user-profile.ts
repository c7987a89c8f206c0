import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { ProfileService } from '../../analytics/entities/profile.ts'
import { UserProfile } from '../../analytics/entities/profile.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'

export const userProfileRoutes: FastifyPluginAsyncTypebox<{ profiles: ProfileService }> = async (app, { profiles }) => {
  app.get('/v1/users/:id/profile', {
    config: { scope: 'read' },
    schema: {
      tags: ['behaviour'],
      summary: 'A user\'s profile card: first and last time of each action, countries, devices and addresses (with how many users share them), money totals, last sign-in',
      description: 'Read from the entity store, kept by the worker as events are stored (a second or so behind). Addresses are masked for keys that see personal data masked.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$', description: 'The user id (user.id)' }) }),
      querystring: Type.Object({ tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'The tenant; required for platform keys, the key\'s own otherwise' })) }, { additionalProperties: false }),
      response: {
        200: UserProfile,
        400: Type.Ref(ErrorResponse, { description: 'Invalid id or tenant' }),
        404: Type.Ref(ErrorResponse, { description: 'No event of this user in the tenant, or the entity store is off' }),
        ...authErrors
      }
    }
  }, async request => await profiles.profile(request.params.id, request.query.tenant, readScopeOf(request)))
}
