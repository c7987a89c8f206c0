import type { Redis } from 'ioredis'

// Take the lease if free, or extend it if this holder has it; 1 when held afterwards, 0 otherwise.
const TAKE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`

/**
 * Leases in Redis: at most one holder per name until it stops renewing (it died, or lost Redis), then anyone.
 * Log streams are delivered by their lease holder alone, which keeps each stream's order.
 */
export class Leases {
  constructor (private readonly redis: Redis, private readonly prefix: string, private readonly ttlMs: number) {}

  private key (name: string): string {
    return `${this.prefix}:lease:${name}`
  }

  async hold (name: string, holder: string): Promise<boolean> {
    return await this.redis.eval(TAKE, 1, this.key(name), holder, String(this.ttlMs)) === 1
  }

  async release (name: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(name), holder)
  }
}
