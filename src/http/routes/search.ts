import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { SearchService } from '../../search/search-service.ts'
import { SearchRequest, SearchResponse } from '../../query/search-request.ts'
import { SearchParams, paramsToRequest } from '../../query/search-params.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { readScopeOf } from '../plugins/auth.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const errors = {
  400: Type.Ref(ErrorResponse, { description: 'Invalid filters or KQL; each problem with its path (and position in the query)' }),
  ...authErrors,
  410: Type.Ref(ErrorResponse, { description: 'The cursor expired; start the search again' })
}
const Id = Type.String({ minLength: 1, maxLength: 128 })

const example = {
  filters: { period: { from: 'now-7d/d', to: 'now', timeZone: 'Europe/Paris' }, action: ['login', 'login_failed'], country: ['FR', 'BE'] },
  query: 'not event.outcome:success and source.ip:10.0.0.0/8',
  sort: [{ field: 'time', order: 'desc' }],
  size: 100
}

export const searchRoutes: FastifyPluginAsyncTypebox<{ search: SearchService }> = async (app, { search }) => {
  app.post('/v1/events/search', {
    config: { scope: 'read' },
    // The search service validates the body itself so that schema, filter and KQL problems come back together.
    ...bodyCheckedByService,
    schema: {
      tags: ['search'],
      summary: 'Search events with filters and KQL; page with the cursor',
      body: { ...SearchRequest, examples: [example, { cursor: '<cursor from the previous page>' }] },
      response: { 200: SearchResponse, ...errors }
    }
  }, async request => await search.search(request.body, readScopeOf(request)))

  app.get('/v1/events', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'Search events with query parameters (the simple form of POST /v1/events/search)',
      querystring: SearchParams,
      response: { 200: SearchResponse, ...errors }
    }
  }, async request => await search.search(paramsToRequest(request.query), readScopeOf(request)))

  app.get('/v1/events/:id', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'One event by id',
      description: 'Tenants may use the same event id: a key that sees several tenants holding it is answered 409 (search for event.id with audit.tenant instead).',
      params: Type.Object({ id: Id }),
      response: { 200: Type.Record(Type.String(), Type.Unknown()), ...authErrors, 404: Type.Ref(ErrorResponse), 409: Type.Ref(ErrorResponse, { description: 'Several tenants visible to this key hold the id' }) }
    }
  }, async request => await search.get(request.params.id, readScopeOf(request)))

  app.get('/v1/users/:id/timeline', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'Everything about one user (as subject), newest first; takes the same parameters as GET /v1/events',
      params: Type.Object({ id: Id }),
      querystring: SearchParams,
      response: { 200: SearchResponse, ...errors }
    }
  }, async request => await search.search(paramsToRequest(request.query, { userId: [request.params.id] }), readScopeOf(request)))

  app.get('/v1/sessions/:id/events', {
    config: { scope: 'read' },
    schema: {
      tags: ['search'],
      summary: 'The events of one session, in order; takes the same parameters as GET /v1/events',
      params: Type.Object({ id: Id }),
      querystring: SearchParams,
      response: { 200: SearchResponse, ...errors }
    }
  }, async request => {
    const req = paramsToRequest(request.query, { sessionId: [request.params.id] })
    if (req.sort === undefined && req.cursor === undefined) req.sort = [{ field: 'time', order: 'asc' }]
    return await search.search(req, readScopeOf(request))
  })
}
