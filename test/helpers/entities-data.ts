import { setTimeout as sleep } from 'node:timers/promises'
import { connectRedis, createRedis } from '../../src/queue/redis.ts'
import { createEventsQueue, queueDepth } from '../../src/queue/events-queue.ts'
import { entitiesIndex } from '../../src/store/events/entities-store.ts'
import { auth, KEYS, type Stack } from './stack.ts'

export const M = 60_000
export const H = 60 * M
export const DAY = 24 * H

/** Addresses geoip-lite places in different countries; one IPv6 written the long way, in capitals. */
export const IP = {
  london: '81.2.69.142', melbourne: '203.2.218.214', paris: '212.27.48.10', tokyo: '133.11.0.1', de: '88.198.1.1',
  us: '8.8.8.8', fr6: '2A01:0E0A:0001:0000:0000:0000:0000:0001', za: '196.25.1.1', private: '10.1.2.3'
}

export interface Ev { id: string, user: string, time: number, action: string, outcome: string, ip: string, device?: string, amount?: number, currency?: string, tenant?: string }

function rng (seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const POOL = ['login', 'login', 'deposit', 'bet_placed', 'bet_placed', 'withdrawal', 'page_viewed', 'registration', 'password_changed', 'logout']
const ADDRESSES = [IP.london, IP.paris, IP.de, IP.us, IP.fr6, IP.za, IP.private, IP.tokyo]

/**
 * Users of the default tenant over eight weeks: sessions at hours that cross midnight in +05:30 and DST zones,
 * deposits before a first sign-in (funnels the entity store cannot settle alone), same-millisecond events,
 * devices and addresses shared by several users, large withdrawals (important events), two currencies.
 */
export function plantedEvents (now: number): Ev[] {
  const r = rng(7)
  const origin = Math.floor(now / DAY) * DAY - 56 * DAY
  const out: Ev[] = []
  for (let u = 0; u < 48; u++) {
    const user = `en-${u}`
    let time = origin + (u % 6) * 7 * DAY + Math.floor(r() * 5) * DAY + (u % 3 === 0 ? 19 * H + 45 * M : 8 * H) + u * 1000
    let n = 0
    const add = (action: string, extra: Partial<Ev> = {}): void => {
      out.push({ id: `en-${u}-${n++}`, user, time, action, outcome: r() < 0.1 ? 'failure' : 'success', ip: ADDRESSES[Math.floor(r() * ADDRESSES.length)] as string, device: `dev-${Math.floor(r() * 14)}`, ...extra })
    }
    if (u % 4 === 1) add('deposit', { amount: 20, currency: 'EUR' })
    const count = 6 + Math.floor(r() * 18)
    for (let k = 0; k < count; k++) {
      time += Math.floor(r() * 4) === 0 ? 0 : (1 + Math.floor(r() * 600)) * M + (r() < 0.25 ? Math.floor(r() * 6) * DAY : 0)
      const action = POOL[Math.floor(r() * POOL.length)] as string
      const money = action === 'deposit' || action === 'withdrawal' || action === 'bet_placed'
      const amount = action === 'withdrawal' && r() < 0.2 ? 12_000 : Math.round(r() * 50_000) / 100 + 0.01
      add(action, money ? { amount, currency: r() < 0.7 ? 'EUR' : 'USD' } : {})
    }
  }
  return out.filter(e => e.time < now)
}

/** Sign-ins of tenant brand-a: London then Melbourne within the hour (impossible), London then Paris in 5 h. */
export function travelEvents (now: number): Ev[] {
  const base = Math.floor((now - 3 * DAY) / M) * M
  const ev = (id: string, user: string, at: number, ip: string): Ev => ({ id, user, time: base + at, action: 'login', outcome: 'success', ip, tenant: 'brand-a' })
  return [
    ev('tv-0', 'tr-1', 0, IP.london), ev('tv-1', 'tr-1', H, IP.melbourne), ev('tv-2', 'tr-1', 30 * H, IP.london),
    ev('tv-3', 'tr-2', 0, IP.london), ev('tv-4', 'tr-2', 5 * H, IP.paris),
    ev('tv-5', 'tr-3', 0, IP.tokyo), ev('tv-6', 'tr-3', 2 * H, IP.tokyo), ev('tv-7', 'tr-3', 3 * H, IP.private),
    ev('tv-8', 'tr-4', 0, IP.london), ev('tv-9', 'tr-4', 60 * H, IP.tokyo)
  ]
}

export const bodyOf = (e: Ev): object => ({
  '@timestamp': new Date(e.time).toISOString(),
  event: { id: e.id, action: e.action, outcome: e.outcome },
  user: { id: e.user },
  source: { ip: e.ip },
  audit: { ...(e.device === undefined ? {} : { device: { id: e.device } }), ...(e.amount === undefined ? {} : { money: { amount: e.amount, currency: e.currency ?? 'EUR' } }) }
})

/** Posts events in requests of `batch`, with a platform key (default tenant) or brand-a's. */
export async function post (stack: Stack, events: readonly Ev[], key = KEYS.ingest, batch = 150): Promise<void> {
  for (let i = 0; i < events.length; i += batch) {
    const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload: { events: events.slice(i, i + batch).map(bodyOf) } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
}

/** Waits until every ingest job is done (its events stored and its entities updated), then refreshes the store. */
export async function settled (stack: Stack): Promise<void> {
  const redis = createRedis(stack.config.redis, 'producer')
  await connectRedis(redis, stack.config.redis)
  const queue = createEventsQueue(redis, stack.config.queuePrefix)
  try {
    for (let i = 0; await queueDepth(queue) > 0; i++) {
      if (i > 600) throw new Error('ingest jobs did not finish')
      await sleep(100)
    }
  } finally {
    await queue.close()
    redis.disconnect()
  }
  await stack.es.indices.refresh({ index: entitiesIndex(stack.config.indexPrefix) })
}

/** Every entity document, keyed by id, lists sorted: a stable picture to compare. */
export async function snapshot (stack: Stack): Promise<Record<string, unknown>> {
  const r = await stack.es.search<Record<string, unknown>>({ index: entitiesIndex(stack.config.indexPrefix), size: 10_000, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } } })
  const norm = (v: unknown): unknown => Array.isArray(v)
    ? v.map(norm).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
    : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1).map(([k, x]) => [k, norm(x)])) : v
  return Object.fromEntries(r.hits.hits.map(h => [h._id as string, norm(h._source)]).sort((a, b) => (a[0] as string) < (b[0] as string) ? -1 : 1))
}
