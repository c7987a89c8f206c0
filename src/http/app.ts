import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from '../config/config.ts'
import type { IngestService } from '../ingest/ingest-service.ts'
import type { SearchService } from '../search/search-service.ts'
import { Authenticator } from '../auth/api-keys.ts'
import type { KeyService } from '../auth/key-service.ts'
import type { AuthFailureThrottle, RateBudget } from '../auth/rate-limiter.ts'
import type { AccessLog } from '../store/system/access-log.ts'
import { installRateLimit } from './plugins/rate-limit.ts'
import { installAccessAudit } from './plugins/access-audit.ts'
import { withRedactedUrls } from './plugins/redacted-url.ts'
import { apiKeyRoutes } from './routes/api-keys.ts'
import { accessLogRoutes } from './routes/access-log.ts'
import { deadLetterRoutes } from './routes/dead-letters.ts'
import type { DeadLetterService } from '../ingest/dead-letter-service.ts'
import { savedSearchRoutes } from './routes/saved-searches.ts'
import type { SavedSearchService } from '../saved/saved-search-service.ts'
import type { KibanaExchange } from '../saved/kibana-exchange.ts'
import { installAuth } from './plugins/auth.ts'
import { installAuthThrottle } from './plugins/auth-throttle.ts'
import { frameworkError, installErrorHandler } from './plugins/errors.ts'
import { installOpenApi } from './plugins/openapi.ts'
import { ErrorResponse } from './schemas.ts'
import { eventRoutes } from './routes/events.ts'
import { healthRoutes, type HealthChecks } from './routes/health.ts'
import { searchRoutes } from './routes/search.ts'
import { exportRoutes } from './routes/exports.ts'
import type { ExportService } from '../export/export-service.ts'
import { integrityRoutes } from './routes/integrity.ts'
import type { IntegrityService } from '../proofs/integrity-service.ts'
import { analyticsRoutes, type AnalyticsServices } from './routes/analytics.ts'
import { rulesRoutes } from './routes/rules.ts'
import { behaviourRoutes } from './routes/behaviour.ts'
import { signalsRoutes } from './routes/signals.ts'
import { userProfileRoutes } from './routes/user-profile.ts'
import type { ProfileService } from '../analytics/entities/profile.ts'
import { meRoutes } from './routes/me.ts'
import { ssoRoutes } from './routes/auth-sso.ts'
import { SessionAuth } from './plugins/session-auth.ts'
import type { Sso } from '../auth/sso.ts'
import { installConsole } from './console/console-routes.ts'
import type { BehaviourService } from '../analytics/behaviour/behaviour-service.ts'
import type { SignalsService } from '../analytics/signals/signals-service.ts'
import type { Registry } from 'prom-client'
import type { IngestMetrics } from '../metrics/ingest-metrics.ts'
import { installIngestMetrics } from './plugins/ingest-metrics.ts'
import { metricsRoutes } from './routes/metrics.ts'
import { streamRoutes } from './routes/streams.ts'
import { watchRuleRoutes } from './routes/watch-rules.ts'
import { alertRoutes } from './routes/alerts.ts'
import { webhookRoutes } from './routes/webhooks.ts'
import { riskRoutes } from './routes/risk.ts'
import type { WatchRuleService } from '../watch/rule-service.ts'
import type { AlertService } from '../alerts/alert-service.ts'
import type { WebhookService } from '../notify/webhook-service.ts'
import type { RiskService } from '../analytics/risk/risk-service.ts'
import type { StreamService } from '../streams/stream-service.ts'

export interface AppServices {
  ingest: IngestService
  search: SearchService
  analytics: AnalyticsServices
  behaviour: BehaviourService
  signals: SignalsService
  /** Users' profile cards from the entity store. */
  profiles?: ProfileService
  keys: KeyService
  rateLimiter: RateBudget
  /** Failed authentications per client address; absent, they are not throttled. */
  authThrottle?: AuthFailureThrottle
  accessLog: AccessLog
  deadLetters: DeadLetterService
  saved: SavedSearchService
  kibana: KibanaExchange
  health: HealthChecks
  exports: ExportService
  /** Proofs and verification; absent with SILLAGE_INTEGRITY=off. */
  integrity?: IntegrityService
  /** Single sign-on for people; absent unless SILLAGE_OIDC_ISSUER is set. */
  sso?: Sso
  /** Prometheus series of this process (GET /metrics) and readiness components that do not make it unready (workers). */
  monitoring?: { registry: Registry, ingest: IngestMetrics, advisory: HealthChecks }
  /** Log streams of tenants' events to outside receivers. */
  streams?: StreamService
  /** Watch rules, alerts, webhooks and risk per user. */
  alerting?: { rules: WatchRuleService, alerts: AlertService, webhooks: WebhookService, risk: RiskService }
}

export const API_VERSION = '0.1.0'

/** The whole HTTP application; the server entry point and the tests build it the same way. */
export async function buildApp (config: Config, services: AppServices, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger === undefined ? { logger: false } : { loggerInstance: withRedactedUrls(logger) }),
    bodyLimit: config.bodyLimitBytes,
    // Behind proxies, the client's address (which failed authentications are counted by) comes from X-Forwarded-For.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    requestIdHeader: 'x-request-id',
    frameworkErrors: frameworkError,
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array', useDefaults: true } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.addSchema(ErrorResponse)
  installErrorHandler(app)
  SessionAuth.install(app)
  if (services.authThrottle !== undefined) installAuthThrottle(app, services.authThrottle, app.log)
  installAuth(app, new Authenticator(config.apiKeys, services.keys), services.sso === undefined ? undefined : new SessionAuth(services.sso.sessions, services.sso.cookies))
  installRateLimit(app, services.rateLimiter, app.log)
  installAccessAudit(app, services.accessLog)
  await installOpenApi(app, API_VERSION)
  await app.register(healthRoutes, { checks: services.health, ...(services.monitoring === undefined ? {} : { advisory: services.monitoring.advisory }) })
  if (services.monitoring !== undefined) {
    installIngestMetrics(app, services.monitoring.ingest)
    await app.register(metricsRoutes, { registry: services.monitoring.registry })
  }
  if (services.streams !== undefined) await app.register(streamRoutes, { streams: services.streams })
  await app.register(eventRoutes, { ingest: services.ingest })
  await app.register(searchRoutes, { search: services.search })
  await app.register(exportRoutes, { exports: services.exports, saved: services.saved })
  if (services.integrity !== undefined) await app.register(integrityRoutes, { integrity: services.integrity })
  await app.register(analyticsRoutes, { services: services.analytics })
  await app.register(rulesRoutes, { rules: services.analytics.rules })
  await app.register(behaviourRoutes, { behaviour: services.behaviour })
  await app.register(signalsRoutes, { signals: services.signals })
  if (services.profiles !== undefined) await app.register(userProfileRoutes, { profiles: services.profiles })
  if (services.alerting !== undefined) {
    await app.register(watchRuleRoutes, { rules: services.alerting.rules })
    await app.register(alertRoutes, { alerts: services.alerting.alerts })
    await app.register(webhookRoutes, { webhooks: services.alerting.webhooks })
    await app.register(riskRoutes, { risk: services.alerting.risk })
  }
  await app.register(apiKeyRoutes, { keys: services.keys })
  await app.register(accessLogRoutes, { accessLog: services.accessLog })
  await app.register(deadLetterRoutes, { deadLetters: services.deadLetters })
  await app.register(savedSearchRoutes, { saved: services.saved, kibana: services.kibana })
  await app.register(meRoutes)
  await app.register(ssoRoutes, { sso: services.sso })
  installConsole(app, config.consoleDir)
  return app
}
