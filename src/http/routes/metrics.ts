import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Registry } from 'prom-client'
import { ForbiddenError } from '../../errors.ts'
import { authErrors } from '../schemas.ts'

/**
 * Prometheus metrics on the API port, for platform administrators (a key with `admin` and no tenant): the
 * series are the whole service's. Without a key, use the separate listener (SILLAGE_METRICS_PORT).
 */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ registry: Registry }> = async (app, { registry }) => {
  app.get('/metrics', {
    config: { scope: 'admin' },
    schema: {
      tags: ['health'],
      summary: 'Prometheus metrics of this API process (platform admin key)',
      description: 'Text exposition format 0.0.4. Prometheus sends the key with `authorization: { type: ApiKey, credentials_file: … }`.',
      produces: ['text/plain'],
      response: { 200: Type.String({ description: 'Prometheus text format' }), ...authErrors }
    }
  }, async (request, reply) => {
    if (request.principal?.tenant !== null) throw new ForbiddenError('metrics cover every tenant: they need a platform admin key (no tenant)')
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}
