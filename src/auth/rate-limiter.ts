import type { Redis } from 'ioredis'

export interface RateDecision { allowed: boolean, limit: number, remaining: number, retryAfterSeconds: number }

/**
 * Requests per key per minute, counted in Redis so every API instance shares the budget. Fixed windows:
 * one INCR and, on the first hit, one EXPIRE per request.
 */
export class RateLimiter {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly perMinute: number, private readonly clock: { now: () => number } = Date) {}

  async take (keyId: string): Promise<RateDecision> {
    const now = this.clock.now()
    const window = Math.floor(now / 60_000)
    const slot = `${this.prefix}:ratelimit:${keyId}:${window}`
    const used = await this.redis.incr(slot)
    if (used === 1) await this.redis.expire(slot, 61)
    const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000))
    return { allowed: used <= this.perMinute, limit: this.perMinute, remaining: Math.max(0, this.perMinute - used), retryAfterSeconds }
  }
}
