import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config/config.ts'
import type { IngestService } from '../ingest/ingest-service.ts'
import type { SearchService } from '../query/search-service.ts'
import { Authenticator } from '../auth/api-keys.ts'
import type { KeyService } from '../auth/key-service.ts'
import type { RateLimiter } from '../auth/rate-limiter.ts'
import type { AccessLog } from '../store/access-log.ts'
import { installRateLimit } from './plugins/rate-limit.ts'
import { installAccessAudit } from './plugins/access-audit.ts'
import { apiKeyRoutes } from './routes/api-keys.ts'
import { accessLogRoutes } from './routes/access-log.ts'
import { installAuth } from './plugins/auth.ts'
import { installErrorHandler } from './plugins/errors.ts'
import { installOpenApi } from './plugins/openapi.ts'
import { ErrorResponse } from './schemas.ts'
import { eventRoutes } from './routes/events.ts'
import { healthRoutes, type HealthChecks } from './routes/health.ts'
import { searchRoutes } from './routes/search.ts'

export interface AppServices {
  ingest: IngestService
  search: SearchService
  keys: KeyService
  rateLimiter: RateLimiter
  accessLog: AccessLog
  health: HealthChecks
}

export const API_VERSION = '0.1.0'

/** The whole HTTP application; the server entry point and the tests build it the same way. */
export async function buildApp (config: Config, services: AppServices, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === undefined ? { logger: false } : { loggerInstance: logger }),
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addSchema(ErrorResponse)
  installErrorHandler(app)
  installAuth(app, new Authenticator(config.apiKeys, services.keys))
  installRateLimit(app, services.rateLimiter, app.log)
  installAccessAudit(app, services.accessLog)
  await installOpenApi(app, API_VERSION)
  await app.register(healthRoutes, { checks: services.health })
  await app.register(eventRoutes, { ingest: services.ingest })
  await app.register(searchRoutes, { search: services.search })
  await app.register(apiKeyRoutes, { keys: services.keys })
  await app.register(accessLogRoutes, { accessLog: services.accessLog })
  return app
}
