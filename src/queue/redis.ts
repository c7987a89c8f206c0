import { Redis } from 'ioredis'

/**
 * Producers fail fast when Redis is away (the client gets a 503 and keeps its events);
 * workers wait for it forever, as BullMQ requires for blocking connections.
 */
export function createRedis (url: string, role: 'producer' | 'worker'): Redis {
  return role === 'producer'
    ? new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true })
    : new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true })
}

export async function connectRedis (redis: Redis, url: string): Promise<void> {
  try {
    await redis.connect()
    await redis.ping()
  } catch (err) {
    redis.disconnect()
    throw new Error(`Redis at ${url} does not answer: ${(err as Error).message}`)
  }
}
