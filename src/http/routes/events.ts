import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { IngestBody } from '../../events/schema.ts'
import type { IngestService } from '../../ingest/ingest-service.ts'
import { authErrors, ErrorResponse } from '../schemas.ts'
import { bodyCheckedByService } from '../route-validation.ts'

const Accepted = Type.Object({
  ids: Type.Array(Type.String(), { description: 'The event ids, in the order sent; use them to find the events.' })
}, { examples: [{ ids: ['01936f0e-8a4b-7c1d-9e2f-3a4b5c6d7e8f'] }] })

const example = {
  '@timestamp': '2026-11-26T14:03:00Z',
  event: { id: 'evt-7f3a9c', action: 'login', outcome: 'success' },
  user: { id: 'u-1001', email: 'ana@example.com' },
  source: { ip: '81.2.69.142' },
  user_agent: { original: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' },
  audit: { session: { id: 's-42' } }
}

export const eventRoutes: FastifyPluginAsyncTypebox<{ ingest: IngestService }> = async (app, { ingest }) => {
  app.post('/v1/events', {
    config: { scope: 'ingest' },
    // The ingest service validates every event itself, so a batch's errors are reported together, by index and path.
    ...bodyCheckedByService,
    schema: {
      tags: ['events'],
      summary: 'Record one event or a batch of up to 1,000',
      description: 'Answers 202 once the queue holds every event. A request with any invalid event is refused whole.',
      body: { ...IngestBody, examples: [example, { events: [example] }] },
      response: {
        202: Accepted,
        400: Type.Ref(ErrorResponse, { description: 'Invalid events, each listed by index and path; nothing was accepted' }),
        ...authErrors,
        409: Type.Ref(ErrorResponse, { description: 'Ids already stored with other content (a clash the worker dead-lettered before), each listed by index; nothing was accepted' }),
        413: Type.Ref(ErrorResponse, { description: 'Body larger than the configured limit' }),
        429: Type.Ref(ErrorResponse, { description: 'The queue is full; retry after the Retry-After header' }),
        503: Type.Ref(ErrorResponse, { description: 'The queue is unavailable; nothing was accepted' })
      }
    }
  }, async (request, reply) => reply.code(202).send(await ingest.ingest(request.body, request.principal?.tenant ?? null)))
}
