import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyRequest } from 'fastify'
import type { DeadLetterService, ReplayResult } from '../../ingest/dead-letter-service.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { noteChangedTenants } from '../plugins/access-audit.ts'

const Tenant = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9][a-z0-9_-]*$' })
const EventId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$' })
const ErrorType = Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z_]+$', description: 'Elasticsearch\'s error type, or id_conflict' })
const LetterId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]*$', description: 'The id the list gives (16 hex digits)' })

const Letter = Type.Object({
  id: Type.String(),
  event_id: Type.String(),
  tenant: Type.String(),
  target_index: Type.String({ description: 'The partition the event was refused by' }),
  status: Type.Integer({ description: 'HTTP status of the refusal (409 for id_conflict)' }),
  error_type: Type.String(),
  reason: Type.String(),
  refused_at: Type.String({ format: 'date-time', description: 'When it was (last) refused' }),
  replayed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Last replay, if it has not been refused since; null while pending' }),
  replayed_by: Type.Union([Type.String(), Type.Null()], { description: 'Key id that replayed it' }),
  replays: Type.Integer()
})
const LetterWithRaw = Type.Intersect([Letter, Type.Object({ raw: Type.Record(Type.String(), Type.Unknown(), { description: 'The refused event, whole, as it was queued' }) })])
const Replayed = Type.Object({
  queued: Type.Array(Type.Object({ id: Type.String(), event_id: Type.String(), tenant: Type.String() }), { description: 'Letters whose event is back in the ingest queue' }),
  skipped: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() }))
})
const Id = Type.Object({ id: LetterId })
const replayed = (request: FastifyRequest, r: ReplayResult): ReplayResult => {
  noteChangedTenants(request, r.queued.map(q => q.tenant))
  return r
}
const errors = { 400: Type.Ref(ErrorResponse), ...authErrors, 404: Type.Ref(ErrorResponse, { description: 'No such dead letter (or another tenant\'s)' }) }
const unavailable = {
  429: Type.Ref(ErrorResponse, { description: 'The ingest queue is past its bounds (as ingest would be told), or the key\'s rate: nothing was replayed; retry after Retry-After' }),
  503: Type.Ref(ErrorResponse, { description: 'The ingest queue is unavailable; nothing was replayed' })
}

export const deadLetterRoutes: FastifyPluginAsyncTypebox<{ deadLetters: DeadLetterService }> = async (app, { deadLetters }) => {
  const actor = (request: Parameters<typeof readScopeOf>[0]) => {
    const scope = readScopeOf(request)
    return { keyId: scope.keyId, tenant: scope.tenant }
  }

  app.get('/v1/dead-letters', {
    config: { scope: 'admin' },
    schema: {
      tags: ['dead letters'],
      summary: 'Events Elasticsearch refused (or whose id is stored with other content), newest first',
      description: 'Pending letters by default. A tenant administrator sees its tenant\'s letters only.',
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('replayed'), Type.Literal('all')], { default: 'pending' })),
        tenant: Type.Optional(Tenant),
        error_type: Type.Optional(ErrorType),
        event_id: Type.Optional(EventId),
        size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 2000, description: 'From the previous page' }))
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ total: Type.Integer(), letters: Type.Array(Letter), cursor: Type.Optional(Type.String()) }), ...errors }
    }
  }, async request => {
    const q = request.query
    return await deadLetters.list(actor(request), {
      ...(q.state === undefined ? {} : { state: q.state }), ...(q.tenant === undefined ? {} : { tenant: q.tenant }),
      ...(q.error_type === undefined ? {} : { errorType: q.error_type }), ...(q.event_id === undefined ? {} : { eventId: q.event_id }),
      ...(q.size === undefined ? {} : { size: q.size }), ...(q.cursor === undefined ? {} : { cursor: q.cursor })
    })
  })

  app.get('/v1/dead-letters/:id', {
    config: { scope: 'admin' },
    schema: { tags: ['dead letters'], summary: 'One dead letter with the refused event whole', params: Id, response: { 200: LetterWithRaw, ...errors } }
  }, async request => await deadLetters.get(actor(request), request.params.id))

  app.post('/v1/dead-letters/:id/replay', {
    config: { scope: 'admin', audit: 'dead_letter.replayed' },
    schema: {
      tags: ['dead letters'],
      summary: 'Queue the refused event again, once its cause is fixed',
      description: 'Idempotent: an event already stored (by an earlier replay) is not stored twice. Refused again, the letter is pending again with the new reason.',
      params: Id,
      response: { 202: Replayed, ...errors, 409: Type.Ref(ErrorResponse, { description: 'An id_conflict letter: a replay would be refused again' }), ...unavailable }
    }
  }, async (request, reply) => reply.code(202).send(replayed(request, await deadLetters.replayOne(actor(request), request.params.id))))

  app.post('/v1/dead-letters/replay', {
    config: { scope: 'admin', audit: 'dead_letters.replayed' },
    schema: {
      tags: ['dead letters'],
      summary: 'Replay several dead letters: by id, or every pending one matching a filter (up to 1,000 per call)',
      body: Type.Object({
        ids: Type.Optional(Type.Array(LetterId, { minItems: 1, maxItems: 1000 })),
        tenant: Type.Optional(Tenant),
        error_type: Type.Optional(ErrorType),
        event_id: Type.Optional(EventId),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 }))
      }, { additionalProperties: false, examples: [{ error_type: 'document_parsing_exception' }, { ids: ['3f1a9c0d2b7e4a51'] }] }),
      response: { 202: Replayed, ...errors, ...unavailable }
    }
  }, async (request, reply) => {
    const b = request.body
    return reply.code(202).send(replayed(request, await deadLetters.replayMany(actor(request), {
      ...(b.ids === undefined ? {} : { ids: b.ids }), ...(b.tenant === undefined ? {} : { tenant: b.tenant }),
      ...(b.error_type === undefined ? {} : { errorType: b.error_type }), ...(b.event_id === undefined ? {} : { eventId: b.event_id }),
      ...(b.limit === undefined ? {} : { limit: b.limit })
    })))
  })
}
