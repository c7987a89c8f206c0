import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

export interface HealthChecks { [component: string]: () => Promise<unknown> }

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  components: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])))
})

/** Public probes: they say only whether each component answers, never any data. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: HealthChecks }> = async (app, { checks }) => {
  app.get('/health', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Health } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/health/ready', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Readiness: Elasticsearch and Redis answer', security: [], response: { 200: Health, 503: Health } }
  }, async (_request, reply) => {
    const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
      try { await check(); return [name, 'up'] as const } catch { return [name, 'down'] as const }
    }))
    const components = Object.fromEntries(entries)
    const ok = entries.every(([, state]) => state === 'up')
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', components })
  })
}
