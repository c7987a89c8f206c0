import { Cluster, Redis, type RedisOptions } from 'ioredis'
import { parseRedisUrl, redactRedisUrl, type RedisTarget } from '../config/redis-config.ts'

/**
 * Producers fail fast when Redis is away (the client gets a 503 and keeps its events);
 * workers wait for it forever, as BullMQ requires for blocking connections.
 *
 * A Cluster client is returned typed as `Redis`: BullMQ takes either, and the service's own modules use only
 * commands a Cluster client has too, on keys that share the prefix's hash tag (see queuePrefixFor).
 */
export function createRedis (where: string | RedisTarget, role: 'producer' | 'worker'): Redis {
  const target = typeof where === 'string' ? parseRedisUrl(where, []) : where
  const behaviour: RedisOptions = role === 'producer'
    ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true }
    : { maxRetriesPerRequest: null, lazyConnect: true }
  if (target.kind === 'single') return new Redis(target.url, behaviour)
  const auth = { ...(target.username === undefined ? {} : { username: target.username }), ...(target.password === undefined ? {} : { password: target.password }) }
  const tls = target.tls ? { tls: {} } : {}
  if (target.kind === 'sentinel') {
    return new Redis({
      ...behaviour, ...auth, ...tls,
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      ...(target.sentinelPassword === undefined ? {} : { sentinelPassword: target.sentinelPassword }),
      ...(target.tls ? { enableTLSForSentinelMode: true } : {})
    })
  }
  const cluster = new Cluster(target.nodes, {
    lazyConnect: true,
    enableOfflineQueue: role !== 'producer',
    redisOptions: { ...auth, ...tls, maxRetriesPerRequest: behaviour.maxRetriesPerRequest ?? null }
  })
  return cluster as unknown as Redis
}

export async function connectRedis (redis: Redis, where: string | RedisTarget): Promise<void> {
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    redis.disconnect()
    throw new Error(`Redis at ${describe(where)} does not answer: ${(err as Error).message}`)
  }
}

function describe (where: string | RedisTarget): string {
  if (typeof where === 'string') return redactRedisUrl(where)
  if (where.kind === 'single') return redactRedisUrl(where.url)
  const hosts = (where.kind === 'sentinel' ? where.sentinels : where.nodes).map(h => `${h.host}:${h.port}`).join(',')
  return where.kind === 'sentinel' ? `sentinels ${hosts} (primary "${where.name}")` : `cluster ${hosts}`
}
