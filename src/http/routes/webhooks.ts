import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Principal } from '../../auth/api-keys.ts'
import type { WebhookService } from '../../notify/webhook-service.ts'
import { CreatedWebhook, Delivery, DELIVERY_STATUSES, Webhook, WebhookInput } from '../../notify/webhook-schema.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { versionFromIfMatch } from './if-match.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) })
const err = (description: string) => Type.Ref(ErrorResponse, { description })
const errors = { 400: err('Invalid webhook; each problem with its path'), ...authErrors, 404: err('No such webhook in the caller\'s tenant') }
const who = (request: { principal?: Principal }): Principal => request.principal as Principal
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The version (ETag) read' })) })

export const webhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: WebhookService }> = async (app, { webhooks }) => {
  app.post('/v1/webhooks', {
    // The service checks the body, so that schema and URL problems come back in one answer.
    config: { scope: 'admin', audit: 'webhook.created' }, ...bodyCheckedByService,
    schema: {
      tags: ['alerts'], summary: 'Create a webhook: each new alert of the tenant is POSTed to it, signed; the secret is in this answer only',
      body: { ...WebhookInput, examples: [{ name: 'SOC', url: 'https://hooks.example.com/sillage', minSeverity: 'medium' }] },
      response: { 201: CreatedWebhook, ...errors }
    }
  }, async (request, reply) => {
    const w = await webhooks.create(request.body, who(request))
    return reply.code(201).header('etag', `"${w.version}"`).send(w)
  })

  app.get('/v1/webhooks', {
    config: { scope: 'admin' },
    schema: { tags: ['alerts'], summary: 'The tenant\'s webhooks (without their secrets)', response: { 200: Type.Object({ webhooks: Type.Array(Webhook) }), ...authErrors } }
  }, async request => ({ webhooks: await webhooks.list(who(request)) }))

  app.get('/v1/webhooks/:id', {
    config: { scope: 'admin' },
    schema: { tags: ['alerts'], summary: 'One webhook (its ETag is its version)', params: Id, response: { 200: Webhook, ...errors } }
  }, async (request, reply) => {
    const w = await webhooks.get(request.params.id, who(request))
    return reply.header('etag', `"${w.version}"`).send(w)
  })

  app.put('/v1/webhooks/:id', {
    // The service checks the body, so that schema and URL problems come back in one answer.
    config: { scope: 'admin', audit: 'webhook.updated' }, ...bodyCheckedByService,
    schema: { tags: ['alerts'], summary: 'Replace a webhook (its secret stays); If-Match must carry the version read', params: Id, headers: IfMatch, body: WebhookInput, response: { 200: Webhook, ...errors, 409: err('The webhook changed since that version') } }
  }, async (request, reply) => {
    const w = await webhooks.update(request.params.id, request.body, versionFromIfMatch(request.headers['if-match'], true) as string, who(request))
    return reply.header('etag', `"${w.version}"`).send(w)
  })

  app.delete('/v1/webhooks/:id', {
    config: { scope: 'admin', audit: 'webhook.deleted' },
    schema: { tags: ['alerts'], summary: 'Delete a webhook (If-Match optional); deliveries still queued for it are dropped', params: Id, headers: IfMatch, response: { 204: Type.Null(), ...errors, 409: err('The webhook changed since that version') } }
  }, async (request, reply) => {
    await webhooks.delete(request.params.id, versionFromIfMatch(request.headers['if-match'], false), who(request))
    return reply.code(204).send(null)
  })

  app.get('/v1/webhooks/:id/deliveries', {
    config: { scope: 'admin' },
    schema: {
      tags: ['alerts'], summary: 'The webhook\'s delivery log, newest first: one entry per alert, with every attempt',
      params: Id,
      querystring: Type.Object({
        size: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
        status: Type.Optional(Type.Union(DELIVERY_STATUSES.map(s => Type.Literal(s))))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ deliveries: Type.Array(Delivery) }), ...errors }
    }
  }, async request => ({ deliveries: await webhooks.deliveries(request.params.id, who(request), request.query.size ?? 50, request.query.status) }))
}
