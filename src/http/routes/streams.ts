import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Principal } from '../../auth/api-keys.ts'
import { ValidationError } from '../../errors.ts'
import { Stream, StreamInput } from '../../streams/schema.ts'
import type { StreamService } from '../../streams/stream-service.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { bodyCheckedByService } from '../route-validation.ts'
import { noteChangedTenants } from '../plugins/access-audit.ts'

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) })
const errors = { 400: Type.Ref(ErrorResponse), ...authErrors, 404: Type.Ref(ErrorResponse) }
const who = (request: { principal?: Principal }): Principal => request.principal as Principal
const example = {
  name: 'SIEM — sign-ins and money',
  destination: { type: 'syslog', host: 'siem.example.com', port: 6514, tls: true },
  query: 'audit.category:(authentication or money)',
  batchSize: 500
}

function versionOf (header: string | undefined, required: boolean): string | undefined {
  const version = header?.replace(/"/g, '')
  if (version !== undefined && version !== '') return version
  if (required) throw new ValidationError([{ index: 0, path: '/headers/if-match', message: 'is required: send the version (ETag) you read' }], 'invalid stream')
  return undefined
}

/** Log streams of a tenant's events to a receiver (NDJSON over HTTPS, syslog over TLS); administrators only. */
export const streamRoutes: FastifyPluginAsyncTypebox<{ streams: StreamService }> = async (app, { streams }) => {
  app.post('/v1/streams', {
    // The service checks the body, so that schema and destination problems come back in one answer.
    config: { scope: 'admin', audit: 'stream.created' }, ...bodyCheckedByService,
    schema: { tags: ['streams'], summary: 'Create a log stream', body: { ...StreamInput, examples: [example] }, response: { 201: Stream, ...errors, 409: Type.Ref(ErrorResponse) } }
  }, async (request, reply) => {
    // Noted first: a refused attempt on a tenant's streams is in that tenant's log too.
    const asked = (request.body as { tenant?: unknown } | null)?.tenant
    if (typeof asked === 'string') noteChangedTenants(request, [asked])
    const s = await streams.create(request.body, who(request))
    return await reply.code(201).header('etag', `"${s.version}"`).send(s)
  })

  app.get('/v1/streams', {
    config: { scope: 'admin' },
    schema: { tags: ['streams'], summary: 'The streams of the caller\'s tenant (every tenant\'s for a platform key), with their delivery state', response: { 200: Type.Object({ streams: Type.Array(Stream) }), ...authErrors } }
  }, async request => ({ streams: await streams.list(who(request)) }))

  app.get('/v1/streams/:id', {
    config: { scope: 'admin' },
    schema: { tags: ['streams'], summary: 'One stream with its delivery state: position, last delivery, lag, errors', params: Id, response: { 200: Stream, ...errors } }
  }, async (request, reply) => {
    const s = await streams.get(request.params.id, who(request))
    return await reply.header('etag', `"${s.version}"`).send(s)
  })

  app.put('/v1/streams/:id', {
    // The service checks the body, so that schema and destination problems come back in one answer.
    config: { scope: 'admin', audit: 'stream.updated' }, ...bodyCheckedByService,
    schema: {
      tags: ['streams'], summary: 'Replace a stream (If-Match: the version read); a token or CA left out is kept', params: Id,
      headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }), body: StreamInput, response: { 200: Stream, ...errors, 409: Type.Ref(ErrorResponse) }
    }
  }, async (request, reply) => {
    // Noted first: a refused change to a tenant's stream (a stale version, an invalid body) is in its log too.
    noteChangedTenants(request, [await streams.tenantOf(request.params.id, who(request))])
    const s = await streams.update(request.params.id, request.body, versionOf(request.headers['if-match'], true) as string, who(request))
    return await reply.header('etag', `"${s.version}"`).send(s)
  })

  app.delete('/v1/streams/:id', {
    config: { scope: 'admin', audit: 'stream.deleted' },
    schema: { tags: ['streams'], summary: 'Delete a stream (If-Match optional)', params: Id, response: { 204: Type.Null(), ...errors, 409: Type.Ref(ErrorResponse) } }
  }, async (request, reply) => {
    noteChangedTenants(request, [await streams.tenantOf(request.params.id, who(request))])
    await streams.delete(request.params.id, versionOf(request.headers['if-match'], false), who(request))
    return await reply.code(204).send(null)
  })

  app.post('/v1/streams/:id/position', {
    config: { scope: 'admin', audit: 'stream.position_moved' },
    schema: {
      tags: ['streams'], summary: 'Move where delivery resumes: back (deliver again, say after a replay of failed jobs) or ahead (skip)', params: Id,
      body: Type.Object({ from: Type.String({ maxLength: 64, description: '`now`, `beginning`, or an ISO time: events ingested from then on are delivered (again)' }) }, { additionalProperties: false }),
      response: { 200: Stream, ...errors }
    }
  }, async request => {
    noteChangedTenants(request, [await streams.tenantOf(request.params.id, who(request))])
    return await streams.move(request.params.id, request.body.from, who(request))
  })
}
