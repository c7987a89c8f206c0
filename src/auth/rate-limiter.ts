import type { Redis } from 'ioredis'

export interface RateDecision { allowed: boolean, limit: number, remaining: number, retryAfterSeconds: number }

/** Anything that decides whether a key may make one more request this minute. */
export interface RateBudget { take: (keyId: string) => Promise<RateDecision> }

/**
 * Requests per key per minute, counted in Redis so every API instance shares the budget. Fixed windows:
 * one INCR and, on the first hit, one EXPIRE per request.
 */
export class RateLimiter implements RateBudget {
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

/**
 * Failed authentications per client address and minute, counted in Redis like the key budgets. Past the
 * budget the address is refused (429) until the minute ends, before any key is looked up: guessing keys costs
 * the guesser, not the key store. Blocks are remembered in memory; another instance learns of one at its next
 * failure from that address.
 */
export class AuthFailureThrottle {
  private readonly blocked = new Map<string, number>()

  constructor (private readonly counter: RateBudget, private readonly clock: { now: () => number } = Date, private readonly maxBlocked = 10_000) {}

  /** Seconds the address must wait before presenting a key again; 0 when it may. */
  retryAfter (address: string): number {
    const until = this.blocked.get(address)
    if (until === undefined) return 0
    const left = until - this.clock.now()
    if (left > 0) return Math.ceil(left / 1000)
    this.blocked.delete(address)
    return 0
  }

  /** Counts one failed authentication; the seconds to wait when the address is past its budget, else 0. */
  async failed (address: string): Promise<number> {
    const decision = await this.counter.take(address)
    if (decision.allowed) return 0
    // The oldest block goes first when too many addresses are blocked at once; it ends within a minute anyway.
    if (this.blocked.size >= this.maxBlocked) this.blocked.delete(this.blocked.keys().next().value as string)
    this.blocked.set(address, this.clock.now() + decision.retryAfterSeconds * 1000)
    return decision.retryAfterSeconds
  }
}
