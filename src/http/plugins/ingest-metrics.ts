import type { FastifyInstance } from 'fastify'
import { eventsInBody, type IngestMetrics } from '../../metrics/ingest-metrics.ts'

const FIELD_ERRORS = /"errors":\[/

/**
 * Counts every answer of `POST /v1/events` by outcome, with the events its body carried: once per request,
 * whatever the batch size. The field errors of a 400 are counted from its answer.
 */
export function installIngestMetrics (app: FastifyInstance, metrics: IngestMetrics): void {
  const isIngest = (method: string, url: string | undefined): boolean => method === 'POST' && url === '/v1/events'
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 400 && isIngest(request.method, request.routeOptions.url) && typeof payload === 'string' && FIELD_ERRORS.test(payload)) {
      try {
        request.ingestFieldErrors = (JSON.parse(payload) as { errors?: unknown[] }).errors?.length ?? 0
      } catch { /* not JSON: no field errors to count */ }
    }
    return payload
  })
  app.addHook('onResponse', async (request, reply) => {
    if (!isIngest(request.method, request.routeOptions.url)) return
    metrics.record(reply.statusCode, eventsInBody(request.body), request.ingestFieldErrors ?? 0)
  })
}

declare module 'fastify' {
  interface FastifyRequest {
    ingestFieldErrors?: number
  }
}
