/**
 * The soak's clients, over real HTTP on loopback: a paced ingest client (open loop: batches leave on a
 * schedule, whatever the answers take, up to a bound in flight), a paced mix of investigations and
 * aggregations, and a probe that times accepted → searchable.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Es } from '../../src/store/elasticsearch.ts'
import { benchEvent } from './dataset.ts'

/** Where each client reports; the soak swaps it every minute. */
export interface Tally {
  /** Events the load generator meant to send, and those answered 202. */
  offered: number
  accepted: number
  /** 429/503/network answers (the batch was sent again) and batches not sent because too many were in flight. */
  refused: number
  skipped: number
  ingestMs: number[]
  searchMs: number[]
  searchErrors: number
  /** Accepted → searchable, sampled. */
  lagMs: number[]
}

export const emptyTally = (): Tally => ({ offered: 0, accepted: 0, refused: 0, skipped: 0, ingestMs: [], searchMs: [], searchErrors: 0, lagMs: [] })

interface Client { stop: () => Promise<void> }

const MAX_IN_FLIGHT = 16

/** Recent users and sessions, so that investigations look at people who just acted. */
export class Recent {
  users: string[] = []
  sessions: string[] = []
  add (user: string, session: string): void {
    this.users.push(user)
    this.sessions.push(session)
    if (this.users.length > 1000) { this.users.splice(0, 500); this.sessions.splice(0, 500) }
  }

  pick (list: string[], fallback: string): string { return list[Math.floor(Math.random() * list.length)] ?? fallback }
}

/**
 * Posts `rate` events/s in batches of `batch`: realistic events of the benchmark data set, stamped with the
 * present (live traffic) and ids unique to the run. A refused batch (429, 503, no answer) is sent again,
 * unchanged, after its Retry-After; any other answer stops the soak.
 */
export function startIngest (o: { url: string, key: string, run: string, rate: number, batch: number, tally: () => Tally, recent: Recent, accepted: string[], onAccepted: (ids: string[]) => void, fatal: (err: Error) => void }): Client {
  let stopped = false
  let inFlight = 0
  const pending = new Set<Promise<void>>()
  let next = 0
  const send = async (body: string): Promise<void> => {
    for (;;) {
      const t0 = performance.now()
      let retryAfter = 1
      try {
        const res = await fetch(`${o.url}/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `ApiKey ${o.key}` }, signal: AbortSignal.timeout(30_000) })
        const text = await res.text()
        if (res.status === 202) {
          const ids = (JSON.parse(text) as { ids: string[] }).ids
          const tally = o.tally()
          tally.accepted += ids.length
          tally.ingestMs.push(performance.now() - t0)
          for (const id of ids) o.accepted.push(id)
          o.onAccepted(ids)
          return
        }
        if (res.status !== 429 && res.status !== 503) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 500)}`)
        retryAfter = Number(res.headers.get('retry-after') ?? 1)
      } catch (err) {
        if ((err as Error).message.startsWith('ingest answered')) throw err
      }
      o.tally().refused += 1
      await sleep(Math.min(10, Math.max(1, retryAfter)) * 1000)
    }
  }
  const loop = (async () => {
    const every = o.batch / o.rate * 1000
    const t0 = performance.now()
    for (let k = 0; !stopped; k++) {
      const wait = t0 + k * every - performance.now()
      if (wait > 0) await sleep(wait)
      if (stopped) break
      o.tally().offered += o.batch
      if (inFlight >= MAX_IN_FLIGHT) { o.tally().skipped += 1; continue }
      const now = Date.now()
      const events = Array.from({ length: o.batch }, () => {
        const i = next++
        const e = benchEvent(i, now)
        const audit = e.audit as { session: { id: string } }
        o.recent.add((e.user as { id: string }).id, audit.session.id)
        // Live traffic: stamped within the last 30 s (the data set spreads its events over 90 days).
        return { ...e, '@timestamp': new Date(now - Math.floor(Math.random() * 30_000)).toISOString(), event: { ...(e.event as object), id: `${o.run}-${i}` } }
      })
      inFlight += 1
      const p = send(JSON.stringify({ events })).catch(o.fatal).finally(() => { inFlight -= 1; pending.delete(p) })
      pending.add(p)
    }
  })()
  return { stop: async () => { stopped = true; await loop; await Promise.all(pending) } }
}

type Query = { path: string, body: Record<string, unknown>, follow?: boolean }

/** What investigators and analysts ask while events arrive: sliding windows, so the work per query levels off once they fill. */
function queryMix (recent: Recent): Query[] {
  const last = (from: string): { period: { from: string } } => ({ period: { from } })
  return [
    { path: '/v1/events/search', body: { filters: { userId: [recent.pick(recent.users, 'u-1')], ...last('now-1h') }, size: 50 } },
    { path: '/v1/events/search', body: { query: 'event.action:login_failed or event.outcome:failure', filters: last('now-15m'), size: 50 }, follow: true },
    { path: '/v1/events/search', body: { query: 'event.action:withdrawal and audit.money.amount >= 1000', filters: last('now-15m'), size: 50 } },
    { path: '/v1/events/search', body: { filters: { text: 'chargeback', ...last('now-5m') }, highlight: true, size: 50 } },
    { path: '/v1/events/search', body: { filters: { sessionId: [recent.pick(recent.sessions, 's-1-1')] }, sort: [{ field: 'time', order: 'asc' }] } },
    { path: '/v1/events/aggregate', body: { filters: last('now-15m'), groupBy: [{ field: 'date', interval: 'minute' }, { field: 'category' }], metrics: ['uniqueUsers', 'amount'] } },
    { path: '/v1/events/aggregate', body: { query: 'event.action:withdrawal', filters: last('now-15m'), groupBy: [{ field: 'country', size: 20, order: { by: 'amount.sum', direction: 'desc' } }], metrics: ['amount'] } },
    { path: '/v1/analytics/period-summary', body: { filters: { period: { from: 'now-15m', to: 'now' } } } }
  ]
}

/** Sends `perSecond` reads on a schedule, in turn from the mix; a first page may be followed by its next one. */
export function startQueries (o: { url: string, key: string, perSecond: number, tally: () => Tally, recent: Recent, onError: (what: string) => void }): Client {
  let stopped = false
  const pending = new Set<Promise<void>>()
  const ask = async (path: string, body: unknown): Promise<Record<string, unknown> | undefined> => {
    const t0 = performance.now()
    try {
      const res = await fetch(`${o.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `ApiKey ${o.key}` }, signal: AbortSignal.timeout(30_000) })
      const answer = await res.json() as Record<string, unknown>
      if (res.status !== 200) { o.tally().searchErrors += 1; o.onError(`${path} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`); return undefined }
      o.tally().searchMs.push(performance.now() - t0)
      return answer
    } catch (err) {
      o.tally().searchErrors += 1
      o.onError(`${path}: ${(err as Error).message}`)
      return undefined
    }
  }
  const loop = (async () => {
    const every = 1000 / o.perSecond
    const t0 = performance.now()
    for (let k = 0; !stopped; k++) {
      const wait = t0 + k * every - performance.now()
      if (wait > 0) await sleep(wait)
      if (stopped || pending.size >= 4) continue
      const mix = queryMix(o.recent)
      const q = mix[k % mix.length] as Query
      const p = ask(q.path, q.body).then(async first => {
        if (q.follow === true && typeof first?.cursor === 'string') await ask(q.path, { cursor: first.cursor })
      }).finally(() => pending.delete(p))
      pending.add(p)
    }
  })()
  return { stop: async () => { stopped = true; await loop; await Promise.all(pending) } }
}

/**
 * Every `everyMs`, takes the event just accepted and asks Elasticsearch (never forcing a refresh), every 200 ms
 * and for all probes at once, until it is searchable. Probes overlap, so a long lag still yields samples.
 */
export function startLagProbe (o: { es: Es, alias: string, everyMs: number, tally: () => Tally }): Client & { offer: (ids: string[]) => void } {
  let stopped = false
  const waiting = new Map<string, number>()
  let lastTaken = 0
  const loop = (async () => {
    while (!stopped) {
      await sleep(200)
      if (waiting.size === 0) continue
      const found = await o.es.search<{ event: { id: string } }>({
        index: o.alias, size: waiting.size, _source: ['event.id'], query: { terms: { 'event.id': [...waiting.keys()] } }, ignore_unavailable: true, allow_no_indices: true
      }).catch(() => undefined)
      const now = performance.now()
      for (const hit of found?.hits.hits ?? []) {
        const id = hit._source?.event.id ?? ''
        const at = waiting.get(id)
        if (at !== undefined) { o.tally().lagMs.push(now - at); waiting.delete(id) }
      }
    }
  })()
  return {
    offer: ids => {
      const now = performance.now()
      const last = ids.at(-1)
      if (last === undefined || now - lastTaken < o.everyMs || waiting.size >= 200) return
      lastTaken = now
      waiting.set(last, now)
    },
    stop: async () => { stopped = true; await loop }
  }
}
