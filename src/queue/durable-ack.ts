import type { Redis } from 'ioredis'

/**
 * How ingest makes sure a job is on disk before it answers 202 (`SILLAGE_DURABLE_ACK=on`):
 * - `waitaof`: Redis 7.2+ — after the add, `WAITAOF 1 0 <timeout>` on the same connection returns once the
 *   local AOF has fsynced every write of that connection (so the add too);
 * - `fsync-always`: older Redis — the server itself fsyncs before it replies (`appendfsync always`); ingest
 *   checks that setting (cached a few seconds) before each add and refuses to queue without it.
 */
export type DurableMethod = 'waitaof' | 'fsync-always'

export class DurableAckError extends Error {
  override name = 'DurableAckError'
}

/** Major and minor of a `redis_version` line of INFO; [0, 0] when absent. */
export function redisVersion (info: string): [number, number] {
  const m = /^redis_version:(\d+)\.(\d+)/m.exec(info)
  return m === null ? [0, 0] : [Number(m[1]), Number(m[2])]
}

export function supportsWaitAof ([major, minor]: [number, number]): boolean {
  return major > 7 || (major === 7 && minor >= 2)
}

export class DurableAck {
  private checkedAt = -Infinity

  private constructor (
    private readonly redis: Redis,
    readonly method: DurableMethod,
    private readonly timeoutMs: number,
    private readonly clock: { now: () => number },
    private readonly recheckMs: number
  ) {}

  /** Learns what the server offers; fails (with what to change) when it cannot put a job on disk before replying. */
  static async open (redis: Redis, options: { timeoutMs: number, recheckMs?: number, clock?: { now: () => number } }): Promise<DurableAck> {
    // A Cluster client sends INFO, CONFIG and WAITAOF to any node, not the one that took the job.
    if (redis.isCluster) throw new DurableAckError('SILLAGE_DURABLE_ACK=on is not available on a Redis Cluster: use one server or Sentinel, or run every primary with appendfsync always')
    const info = await redis.info('server')
    const method: DurableMethod = supportsWaitAof(redisVersion(info)) ? 'waitaof' : 'fsync-always'
    const ack = new DurableAck(redis, method, options.timeoutMs, options.clock ?? Date, options.recheckMs ?? 5000)
    await ack.check()
    return ack
  }

  /** Before the add: the server is (still) set up to keep it. */
  async ready (): Promise<void> {
    if (this.clock.now() - this.checkedAt < this.recheckMs) return
    await this.check()
  }

  /** After the add: with WAITAOF, returns once the local AOF holds it on disk. */
  async confirm (): Promise<void> {
    if (this.method !== 'waitaof') return
    const [local] = await this.redis.call('WAITAOF', '1', '0', String(this.timeoutMs)) as [number, number]
    if (local < 1) throw new DurableAckError(`the AOF did not fsync within ${this.timeoutMs} ms`)
  }

  private async check (): Promise<void> {
    const persistence = await this.redis.info('persistence')
    if (!/^aof_enabled:1/m.test(persistence)) throw new DurableAckError('SILLAGE_DURABLE_ACK=on needs the queue\'s Redis to run with appendonly yes')
    if (this.method === 'fsync-always') {
      const [, fsync] = await this.redis.config('GET', 'appendfsync') as [string, string]
      if (fsync !== 'always') {
        throw new DurableAckError(`SILLAGE_DURABLE_ACK=on needs appendfsync always on this Redis (it has ${fsync || 'no such setting'}, and no WAITAOF before 7.2)`)
      }
    }
    this.checkedAt = this.clock.now()
  }
}
