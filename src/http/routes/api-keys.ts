import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { KeyService } from '../../auth/key-service.ts'
import { SCOPES } from '../../auth/scopes.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { noteChangedTenants } from '../plugins/access-audit.ts'

const KeyInfo = Type.Object({
  key_id: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  tenant: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String(),
  created_by: Type.String(),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  replaced_by: Type.Union([Type.String(), Type.Null()])
})
const Created = Type.Object({
  key: Type.String({ description: 'The key itself. Shown once: only its hash is stored.' }),
  info: KeyInfo
})
const NewKey = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Array(Type.Union(SCOPES.map(s => Type.Literal(s))), { minItems: 1, maxItems: SCOPES.length }),
  tenant: Type.Optional(Type.Union([Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' }), Type.Null()], { description: 'Omit for the caller\'s own tenant; null (platform keys only) for a platform key' }))
}, { additionalProperties: false })
const Id = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) })
const errors = { 400: Type.Ref(ErrorResponse), ...authErrors, 404: Type.Ref(ErrorResponse) }

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ keys: KeyService }> = async (app, { keys }) => {
  const actor = (request: { principal?: unknown }) => request.principal as Parameters<KeyService['list']>[0]

  app.post('/v1/api-keys', {
    config: { scope: 'admin', audit: 'api_key.created' },
    schema: {
      tags: ['keys'], summary: 'Create an API key (the key is in the answer, once)',
      body: { ...NewKey, examples: [{ name: 'fraud team', scopes: ['read', 'export'] }] },
      response: { 201: Created, ...errors }
    }
  }, async (request, reply) => {
    // Noted first: a refused attempt on a tenant's keys is in that tenant's log too.
    noteChangedTenants(request, [request.body.tenant ?? null])
    return reply.code(201).send(await keys.create(request.body, actor(request)))
  })

  app.get('/v1/api-keys', {
    config: { scope: 'admin' },
    schema: { tags: ['keys'], summary: 'List API keys (never the keys themselves)', response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }), ...authErrors } }
  }, async request => ({ keys: await keys.list(actor(request)) }))

  app.delete('/v1/api-keys/:id', {
    config: { scope: 'admin', audit: 'api_key.revoked' },
    schema: { tags: ['keys'], summary: 'Revoke an API key (one already revoked is left as it was)', params: Id, response: { 200: KeyInfo, ...errors } }
  }, async request => {
    noteChangedTenants(request, [await keys.tenantOf(request.params.id, actor(request))])
    return await keys.revoke(request.params.id, actor(request))
  })

  app.post('/v1/api-keys/:id/rotate', {
    config: { scope: 'admin', audit: 'api_key.rotated' },
    schema: { tags: ['keys'], summary: 'Replace an API key by a new one with the same scopes; the old one is revoked (409 when another rotation or revocation of it came first)', params: Id, response: { 201: Created, ...errors, 409: Type.Ref(ErrorResponse) } }
  }, async (request, reply) => {
    // Noted first: a refused rotation (of a revoked key, or one rotated meanwhile) is in the key's tenant's log too.
    noteChangedTenants(request, [await keys.tenantOf(request.params.id, actor(request))])
    return reply.code(201).send(await keys.rotate(request.params.id, actor(request)))
  })
}
