import type { FastifyError, FastifyInstance } from 'fastify'
import { STATUS_CODES } from 'node:http'
import { BackpressureError, ConflictError, ForbiddenError, UnavailableError, ValidationError } from '../../errors.ts'

/** One error handler: 4xx say exactly what is wrong, 5xx are logged with the request and say nothing internal. */
export function installErrorHandler (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const body = (statusCode: number, message: string, extra: object = {}): object =>
      ({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra })

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
      return reply.code(err.statusCode).header('retry-after', String(err.retryAfterSeconds)).send(body(err.statusCode, err.message))
    }
    if (err.validation !== undefined) {
      const errors = err.validation.map(v => ({
        index: 0,
        path: `${err.validationContext === 'body' ? '' : `/${err.validationContext ?? ''}`}${v.instancePath === '' ? '/' : v.instancePath}`,
        message: v.message ?? 'is invalid'
      }))
      return reply.code(400).send(body(400, 'the request is invalid', { errors }))
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
