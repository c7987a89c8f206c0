import type { RateBudget, RateDecision } from './rate-limiter.ts'

interface Seen { window: number, used: number, pending: number }

/**
 * A key far from its budget does not wait for Redis: while what this instance knows of the minute's count
 * (the last count Redis returned, plus the requests let through since) stays within half the budget, the
 * request passes at once and is counted in the background. From half the budget on, every request waits for
 * its count, so the limit holds exactly where it matters. Every request is still counted in Redis; an
 * instance can only be wrong about other instances' requests made within one round trip.
 */
export class EagerRateLimiter implements RateBudget {
  private readonly seen = new Map<string, Seen>()

  constructor (
    private readonly exact: RateBudget,
    private readonly perMinute: number,
    private readonly clock: { now: () => number } = Date,
    private readonly maxKeys = 10_000
  ) {}

  async take (keyId: string): Promise<RateDecision> {
    const now = this.clock.now()
    const window = Math.floor(now / 60_000)
    const known = this.seen.get(keyId)
    if (known !== undefined && known.window === window && known.used + known.pending + 1 <= this.perMinute / 2) {
      known.pending++
      // A count that fails is a request let through uncounted, as when Redis cannot answer a waited count.
      this.exact.take(keyId).then(d => { this.learn(known, d) }, () => {}).finally(() => { known.pending-- })
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000))
      return { allowed: true, limit: this.perMinute, remaining: this.perMinute - known.used - known.pending, retryAfterSeconds }
    }
    const decision = await this.exact.take(keyId)
    if (known !== undefined && known.window === window) this.learn(known, decision)
    else this.remember(keyId, { window, used: this.perMinute - decision.remaining, pending: 0 })
    return decision
  }

  private learn (known: Seen, d: RateDecision): void {
    known.used = Math.max(known.used, d.limit - d.remaining)
  }

  private remember (keyId: string, seen: Seen): void {
    // The oldest key goes first when too many are remembered; it is only asked to wait for its next count.
    if (!this.seen.has(keyId) && this.seen.size >= this.maxKeys) this.seen.delete(this.seen.keys().next().value as string)
    this.seen.set(keyId, seen)
  }
}
