import type { Redis } from 'ioredis'

/**
 * Workers' liveness in Redis: one sorted set per prefix, each worker's id scored with the time of its last
 * beat. The set expires with the beats, so no worker at all leaves no key; a worker counts as alive while its
 * last beat is younger than three periods. One key, so it lives in one hash slot on a Redis Cluster too.
 */
export class Heartbeats {
  private readonly key: string

  constructor (private readonly redis: Redis, prefix: string, private readonly periodMs: number, private readonly now: () => number = Date.now) {
    this.key = `${prefix}:workers`
  }

  get staleAfterMs (): number {
    return 3 * this.periodMs
  }

  async beat (worker: string): Promise<void> {
    const now = this.now()
    await this.redis.multi()
      .zadd(this.key, now, worker)
      .zremrangebyscore(this.key, '-inf', now - 10 * this.staleAfterMs)
      .pexpire(this.key, this.staleAfterMs)
      .exec()
  }

  /** A worker that stops cleanly says so, instead of being counted alive until its beats go stale. */
  async leave (worker: string): Promise<void> {
    await this.redis.zrem(this.key, worker)
  }

  /** Workers whose last beat is recent. */
  async alive (): Promise<string[]> {
    return await this.redis.zrangebyscore(this.key, this.now() - this.staleAfterMs, '+inf')
  }
}

/** Beats every period until stopped; a failed beat is retried at the next period (Redis away is seen elsewhere). */
export function startBeating (beats: Heartbeats, worker: string, periodMs: number, onError: (err: Error) => void): { stop: () => Promise<void> } {
  const beat = (): void => { beats.beat(worker).catch(onError) }
  beat()
  const timer = setInterval(beat, periodMs)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await beats.leave(worker).catch(onError)
    }
  }
}
