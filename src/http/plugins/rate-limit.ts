import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { RateBudget } from '../../auth/rate-limiter.ts'

/** Per-key request budget, after authentication. If Redis cannot answer, requests pass and the failure is logged. */
export function installRateLimit (app: FastifyInstance, limiter: RateBudget, log: FastifyBaseLogger): void {
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal
    if (principal === undefined) return
    let decision
    try {
      decision = await limiter.take(principal.keyId)
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'rate limiter unavailable; request let through')
      return
    }
    reply.header('x-ratelimit-limit', decision.limit).header('x-ratelimit-remaining', decision.remaining)
    if (!decision.allowed) {
      return await reply.code(429).header('retry-after', decision.retryAfterSeconds).send({
        statusCode: 429, error: 'Too Many Requests', message: `this API key made more than ${decision.limit} requests this minute; retry after ${decision.retryAfterSeconds} s`
      })
    }
  })
}
