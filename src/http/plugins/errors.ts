import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { errors as es } from '@elastic/elasticsearch'
import { BackpressureError, ConflictError, ForbiddenError, UnavailableError, ValidationError } from '../../errors.ts'

/** One error handler: 4xx say exactly what is wrong, 5xx are logged with the request and say nothing internal. */
export function installErrorHandler (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const body = (statusCode: number, message: string, extra: object = {}): object =>
      ({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra })
    /** Refused for now: the client may send the same request again after `seconds`. */
    const later = (statusCode: number, seconds: number, message: string): FastifyReply =>
      reply.code(statusCode).header('retry-after', String(seconds)).send(body(statusCode, message))

    if (err instanceof ValidationError) {
      return reply.code(400).send(body(400, err.message, { errors: err.errors }))
    }
    if (err instanceof ForbiddenError) {
      return reply.code(403).send(body(403, err.message, err.errors === undefined ? {} : { errors: err.errors }))
    }
    if (err instanceof ConflictError) {
      return reply.code(409).send(body(409, err.message, err.errors === undefined ? {} : { errors: err.errors }))
    }
    if (err instanceof BackpressureError || err instanceof UnavailableError) {
      request.log.warn({ err: err.message }, 'request refused for now')
      return later(err.statusCode, err.retryAfterSeconds, err.message)
    }
    if (err.validation !== undefined) {
      const errors = err.validation.map(v => ({
        index: 0,
        path: `${err.validationContext === 'body' ? '' : `/${err.validationContext ?? ''}`}${v.instancePath === '' ? '/' : v.instancePath}`,
        message: v.message ?? 'is invalid'
      }))
      return reply.code(400).send(body(400, 'the request is invalid', { errors }))
    }
    if (err instanceof es.ResponseError) {
      // Elasticsearch's text (Java exceptions, index names, parser positions) goes to the log, never to the client.
      const status = err.statusCode === 400 ? 400 : err.statusCode === 429 || err.statusCode === 503 ? 503 : 500
      request.log[status === 400 ? 'warn' : 'error']({ err }, 'Elasticsearch refused the request')
      // 429: overloaded; 503: a shard not started (a partition still starting after the reads waited, a node recovering).
      if (status === 503) return later(503, 5, 'the search engine cannot answer now (overloaded, or a shard not started); retry in a few seconds')
      return reply.code(status).send(body(status, status === 400
        ? 'the search engine could not use a value of this request (a date, zone or number out of its range); the request id is in the logs'
        : 'internal error; the request id is in the logs'))
    }
    if (err instanceof es.TimeoutError) {
      request.log.error({ err }, 'Elasticsearch did not answer in time')
      return later(503, 30, 'the search engine did not answer in time (a request this large, or an engine this busy); narrow the request or retry later')
    }
    if (err instanceof es.ConnectionError || err instanceof es.NoLivingConnectionsError) {
      // No node answered: every node tried was down or cut off.
      request.log.error({ err }, 'Elasticsearch unreachable')
      return later(503, 5, 'the search engine cannot be reached now; retry in a few seconds')
    }
    const status = err.statusCode ?? 500
    if (status < 500) return reply.code(status).send(body(status, err.message))
    request.log.error({ err }, 'request failed')
    return reply.code(500).send(body(500, 'internal error; the request id is in the logs'))
  })

  app.setNotFoundHandler((request, reply) => reply.code(404).send({
    statusCode: 404, error: 'Not Found', message: `no route ${request.method} ${request.url.split('?')[0]}`
  }))
}

const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than 100 characters',
  FST_ERR_BAD_URL: 'the URL is not valid: check its %-escapes'
}

/** Errors met before any route is chosen (Fastify's `frameworkErrors`), answered with the same body as the others. */
export function frameworkError (err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode ?? 400
  void reply.code(status).send({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: FRAMEWORK_MESSAGES[err.code] ?? 'the request could not be routed' })
}
