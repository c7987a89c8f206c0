import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { runChecks } from '../../metrics/listener.ts'

export interface HealthChecks { [component: string]: () => Promise<unknown> }

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('unavailable')], { description: 'unavailable (503): a dependency of this instance is down; degraded (200): the instance serves, but no worker is alive (events queue up, unsearched)' }),
  components: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Literal('up'), Type.Literal('down')])))
})

/**
 * Public probes: they say only whether each component answers, never any data. `advisory` components (the
 * workers) are reported but do not make this instance unready: taking every API instance out of service
 * because no worker runs would refuse events the queue could still hold.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ checks: HealthChecks, advisory?: HealthChecks }> = async (app, { checks, advisory = {} }) => {
  app.get('/health', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Liveness', security: [], response: { 200: Health } }
  }, async () => ({ status: 'ok' as const }))

  app.get('/health/ready', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Readiness: Elasticsearch and Redis answer (503 otherwise); workers alive', security: [], response: { 200: Health, 503: Health } }
  }, async (_request, reply) => {
    const [own, extra] = await Promise.all([runChecks(checks), runChecks(advisory)])
    const ok = Object.values(own).every(state => state === 'up')
    const status = !ok ? 'unavailable' : Object.values(extra).every(state => state === 'up') ? 'ok' : 'degraded'
    return reply.code(ok ? 200 : 503).send({ status, components: { ...own, ...extra } })
  })
}
