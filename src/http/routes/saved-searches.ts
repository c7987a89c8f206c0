import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { SavedSearchService } from '../../saved/saved-search-service.ts'
import { MAX_OBJECTS, type KibanaExchange } from '../../saved/kibana-exchange.ts'
import { Grouping, SavedSearch, SavedSearchInput, TimeRange } from '../../saved/schema.ts'
import { isVersion } from '../../store/system/versioned-docs.ts'
import { AggregateResponse } from '../../analytics/aggregate-schema.ts'
import { SearchResponse } from '../../query/search-request.ts'
import { ValidationError } from '../../errors.ts'
import type { Principal } from '../../auth/api-keys.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const Id = Type.Object({ id: Type.String({ format: 'uuid' }) })
const errors = { 400: Type.Ref(ErrorResponse), ...authErrors, 404: Type.Ref(ErrorResponse) }
const example = {
  name: 'Failed sign-ins from abroad',
  query: 'event.action:login and event.outcome:failure and not source.geo.country_iso_code:FR',
  timeRange: { from: 'now-7d', to: 'now', timeZone: 'Europe/Paris' },
  columns: ['@timestamp', 'user.id', 'source.ip', 'source.geo.country_iso_code'],
  sort: [{ field: 'time', order: 'desc' }],
  shared: true
}
const who = (request: { principal?: Principal }): Principal => request.principal as Principal

/** The version in If-Match (`"3.1"`: sequence number and primary term), checked before it reaches the store. */
function versionOf (header: string | undefined, required: boolean): string | undefined {
  const version = header?.replace(/"/g, '')
  if (version === undefined || version === '') {
    if (!required) return undefined
    throw new ValidationError([{ index: 0, path: '/headers/if-match', message: 'is required: send the version (ETag) you read, so no change is silently overwritten' }])
  }
  if (!isVersion(version)) throw new ValidationError([{ index: 0, path: '/headers/if-match', message: `"${version.slice(0, 40)}" is not a version this service issued: send the ETag you read, such as "3.1"` }])
  return version
}

export const savedSearchRoutes: FastifyPluginAsyncTypebox<{ saved: SavedSearchService, kibana: KibanaExchange }> = async (app, { saved, kibana }) => {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string', bodyLimit: 10 * 1024 * 1024 }, (_req, body, done) => { done(null, body) })

  app.post('/v1/saved-searches', {
    // The service checks the body, so that schema, filter and KQL problems come back in one answer.
    config: { scope: 'read', audit: 'saved_search.created' }, ...bodyCheckedByService,
    schema: { tags: ['saved searches'], summary: 'Save a search', body: { ...SavedSearchInput, examples: [example] }, response: { 201: SavedSearch, ...errors } }
  }, async (request, reply) => {
    const s = await saved.create(request.body, who(request))
    return reply.code(201).header('etag', `"${s.version}"`).send(s)
  })

  app.get('/v1/saved-searches', {
    config: { scope: 'read' },
    schema: { tags: ['saved searches'], summary: 'Saved searches visible to the caller: its own and the tenant\'s shared ones', response: { 200: Type.Object({ savedSearches: Type.Array(SavedSearch) }), ...authErrors } }
  }, async request => ({ savedSearches: await saved.list(who(request)) }))

  app.get('/v1/saved-searches/:id', {
    config: { scope: 'read' },
    schema: { tags: ['saved searches'], summary: 'One saved search (its ETag is its version)', params: Id, response: { 200: SavedSearch, ...errors } }
  }, async (request, reply) => {
    const s = await saved.read(request.params.id, who(request))
    return reply.header('etag', `"${s.version}"`).send(s)
  })

  app.put('/v1/saved-searches/:id', {
    // The service checks the body, so that schema, filter and KQL problems come back in one answer.
    config: { scope: 'read', audit: 'saved_search.updated' }, ...bodyCheckedByService,
    schema: {
      tags: ['saved searches'], summary: 'Replace a saved search; If-Match must carry the version read (409 if it changed since)',
      params: Id, headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
      body: SavedSearchInput, response: { 200: SavedSearch, ...errors, 403: Type.Ref(ErrorResponse), 409: Type.Ref(ErrorResponse) }
    }
  }, async (request, reply) => {
    const s = await saved.update(request.params.id, request.body, versionOf(request.headers['if-match'], true) as string, who(request))
    return reply.header('etag', `"${s.version}"`).send(s)
  })

  app.delete('/v1/saved-searches/:id', {
    config: { scope: 'read', audit: 'saved_search.deleted' },
    schema: { tags: ['saved searches'], summary: 'Delete a saved search (If-Match optional)', params: Id, response: { 204: Type.Null(), ...errors, 403: Type.Ref(ErrorResponse), 409: Type.Ref(ErrorResponse) } }
  }, async (request, reply) => {
    await saved.delete(request.params.id, versionOf(request.headers['if-match'], false), who(request))
    return reply.code(204).send(null)
  })

  app.post('/v1/saved-searches/:id/run', {
    config: { scope: 'read' },
    schema: {
      tags: ['saved searches'], summary: 'Run a saved search; the time range may be overridden. Further pages: POST /v1/events/search with the cursor',
      params: Id,
      body: Type.Optional(Type.Object({ timeRange: Type.Optional(TimeRange), size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false })),
      response: { 200: SearchResponse, ...errors }
    }
  }, async request => await saved.run(request.params.id, request.body ?? {}, who(request), readScopeOf(request)))

  app.post('/v1/saved-searches/:id/groups', {
    config: { scope: 'read' },
    schema: {
      tags: ['saved searches'], summary: 'Run the saved search\'s grouping (or the one sent) over its events, as POST /v1/events/aggregate',
      params: Id,
      body: Type.Optional(Type.Object({ timeRange: Type.Optional(TimeRange), grouping: Type.Optional(Grouping) }, { additionalProperties: false })),
      response: { 200: AggregateResponse, ...errors }
    }
  }, async request => await saved.groups(request.params.id, request.body ?? {}, who(request), readScopeOf(request)))

  app.get('/v1/saved-searches/kibana', {
    config: { scope: 'read' },
    schema: { tags: ['saved searches'], summary: 'Export the visible saved searches as Kibana saved objects (NDJSON)', produces: ['application/x-ndjson'], response: { 200: Type.String(), ...authErrors } }
  }, async (request, reply) => {
    const out = await kibana.exportNdjson(who(request))
    return reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="sillage-saved-searches.ndjson"').send(out.ndjson)
  })

  app.post('/v1/saved-searches/kibana', {
    // The exchange reads the NDJSON itself, so that every line's problems come back in one answer, by line.
    config: { scope: 'read', audit: 'saved_searches.imported' }, ...bodyCheckedByService,
    schema: {
      tags: ['saved searches'], summary: 'Import Kibana saved objects (NDJSON of its saved objects export): every search, or none',
      description: `At most ${MAX_OBJECTS} objects. Every line is checked before anything is saved: if one search cannot be imported as it is ` +
        '(a wrong shape, Lucene or ES|QL, a custom DSL filter, a field the events do not have), the answer is 400, nothing is saved, ' +
        'and each error gives its line number (from 1) as `index` and its place in the object as `path`. Other object types are skipped.',
      consumes: ['application/x-ndjson'],
      body: Type.String({ description: 'NDJSON, one saved object per line' }),
      response: {
        200: Type.Object({
          imported: Type.Array(Type.Object({ sourceId: Type.String(), id: Type.String(), name: Type.String(), notes: Type.Array(Type.String()) })),
          skipped: Type.Array(Type.Object({ sourceId: Type.String(), type: Type.String(), reason: Type.String() }))
        }),
        ...errors
      }
    }
  }, async request => {
    if (typeof request.body !== 'string') throw new ValidationError([{ index: 0, path: '/', message: 'send the NDJSON with Content-Type: application/x-ndjson' }], 'the import was refused: the body is not NDJSON')
    return await kibana.importNdjson(request.body, who(request))
  })
}
