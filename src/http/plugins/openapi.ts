import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { withTransportStatuses } from './openapi-statuses.ts'

/** The Swagger UI's stock policy, kept to this origin: framing refused, nothing from other sites, no upgrade of plain HTTP (loopback). */
export function docsPolicy (stock: string): string {
  const directives = new Map(stock.split(';').map(d => d.trim()).filter(d => d !== '').map(d => {
    const [name, ...sources] = d.split(/\s+/)
    return [name as string, sources.filter(source => source === "'self'" || source === "'none'" || source === 'data:' || source.startsWith("'sha"))]
  }))
  directives.delete('upgrade-insecure-requests')
  directives.set('frame-ancestors', ["'none'"])
  directives.set('form-action', ["'self'"])
  // Swagger UI sets style attributes as it renders; scripts stay limited to its own files.
  directives.set('style-src', ["'self'", "'unsafe-inline'"])
  return [...directives].map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ')
}

export async function installOpenApi (app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Sillage audit trail API',
        version,
        description: 'Record what users and operators did, when, from where and with what result; search and prove it.'
      },
      components: {
        securitySchemes: {
          ApiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Send `Authorization: ApiKey <key>`.' },
          Session: { type: 'apiKey', in: 'cookie', name: '__Host-sillage-session', description: 'A person\'s single sign-on session (GET /v1/auth/oidc/login); requests other than GET also need `X-CSRF-Token` (csrfToken in GET /v1/me). Named `sillage-session` on plain-http loopback.' }
        }
      },
      security: [{ ApiKey: [] }, { Session: [] }],
      tags: [
        { name: 'events', description: 'Recording audit events' },
        { name: 'search', description: 'Finding events: filters, KQL, cursors' },
        { name: 'exports', description: 'CSV, NDJSON, JSON and PDF exports, background export jobs, evidence packs' },
        { name: 'analytics', description: 'Grouping, summaries and importance ranking of events' },
        { name: 'rules', description: 'The importance rule table' },
        { name: 'behaviour', description: 'Funnels, next actions, session statistics, retention cohorts' },
        { name: 'signals', description: 'Fraud and security signals: failed sign-in bursts, impossible travel, shared devices and addresses, change then withdraw' },
        { name: 'saved searches', description: 'Kibana-style saved searches, runnable and exchangeable with Kibana' },
        { name: 'keys', description: 'API keys and the access log (admin)' },
        { name: 'auth', description: 'Signing in: the methods offered, single sign-on for people (OpenID Connect), sign-out' },
        { name: 'integrity', description: 'Proving the trail was not altered: signed checkpoints, inclusion proofs, verification' },
        { name: 'health', description: 'Liveness and readiness' }
      ]
    },
    // Each operation states the scope it needs, from the same route config the access check reads.
    transform: ({ schema, url, route }) => {
      const config = (route as { config?: { scope?: string, public?: boolean, audit?: string } }).config
      const access = config?.public === true ? 'Public.' : config?.scope === undefined ? undefined : `Scope: \`${config.scope}\`.`
      if (access === undefined || schema === undefined) return { schema, url }
      const description = (schema as { description?: string }).description
      // The action its access record carries: the changes a compliance reader lists with `GET /v1/access-log?changes=true`.
      const audit: Record<string, string> = config?.audit === undefined ? {} : { 'x-audit-action': config.audit }
      const documented = { ...schema, description: description === undefined ? access : `${access} ${description}`, 'x-required-scope': config?.scope ?? 'public', ...audit } as typeof schema
      return { schema: withTransportStatuses(documented, config?.scope !== undefined), url }
    }
  })
  // The documentation holds no data: its pages are public.
  app.addHook('onRoute', route => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, public: true }
  })
  // The pages' own scripts and styles by their hashes, and nothing from elsewhere: no badge from the validator's
  // site, no framing (the pages share the console's origin).
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', validatorUrl: null }, staticCSP: true, transformStaticCSP: docsPolicy })
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger())
}
