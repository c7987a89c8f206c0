import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify'
import type { AuthFailureThrottle } from '../../auth/rate-limiter.ts'

const tooMany = (reply: FastifyReply, seconds: number): object => {
  reply.code(429).header('retry-after', String(seconds))
  return { statusCode: 429, error: 'Too Many Requests', message: `too many failed authentications from this address; retry after ${seconds} s` }
}

/**
 * Throttles failed authentications per client address: a request that presents a key (Authorization header)
 * and gets 401 is counted; past the budget, the answer is 429 with Retry-After, and until then the address's
 * requests with a key are refused before the key is checked. Installed before the authentication hook. If
 * Redis cannot count, requests pass and the failure is logged.
 */
export function installAuthThrottle (app: FastifyInstance, throttle: AuthFailureThrottle, log: FastifyBaseLogger): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.authorization === undefined || request.routeOptions.config.public === true) return
    const wait = throttle.retryAfter(request.ip)
    if (wait > 0) return await reply.send(tooMany(reply, wait))
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 401 || request.headers.authorization === undefined) return payload
    let wait = 0
    try {
      wait = await throttle.failed(request.ip)
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'failed authentications cannot be counted; request let through')
    }
    return wait === 0 ? payload : JSON.stringify(tooMany(reply, wait))
  })
}
