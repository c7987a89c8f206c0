import { setTimeout as sleep } from 'node:timers/promises'
import { auth, type Stack } from './stack.ts'

export const S = 1000
export const M = 60 * S
export const H = 60 * M
export const D = 24 * H

/** Addresses the bundled GeoLite data places. */
export const IP = { london: '81.2.69.142', melbourne: '203.2.218.214', paris: '212.27.48.10', de: '88.198.1.1', us: '8.8.8.8', ng: '41.203.64.1' }

export interface Plant { id: string, user: string, at: number, action: string, outcome?: string, ip?: string, amount?: number, currency?: string, device?: string }

export type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

export const body = (e: Plant): object => ({
  '@timestamp': new Date(e.at).toISOString(),
  event: { id: e.id, action: e.action, outcome: e.outcome ?? 'success' },
  user: { id: e.user },
  source: { ip: e.ip ?? IP.de },
  ...(e.amount === undefined && e.device === undefined
    ? {}
    : { audit: { ...(e.amount === undefined ? {} : { money: { amount: e.amount, currency: e.currency ?? 'EUR' } }), ...(e.device === undefined ? {} : { device: { id: e.device } }) } })
})

/** Ingests the events with the key and waits until the store holds `total` events in all. */
export async function plant (stack: Stack, key: string, events: Plant[], total: number): Promise<void> {
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload: { events: events.map(body) } })
  if (res.statusCode !== 202) throw new Error(`${res.statusCode} ${res.body}`)
  if (await stack.waitForCount(total) < total) throw new Error('planted events not searchable')
}

export async function call (stack: Stack, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: object, headers: Record<string, string> = {}): Promise<{ status: number, body: Json, headers: Record<string, unknown> }> {
  const res = await stack.api.app.inject({ method, url, headers: { ...auth(key), ...headers }, ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, body: res.body === '' ? {} : res.json(), headers: res.headers }
}

/** Runs the rule once in this process, as a worker would (bypassing the queue, for a deterministic test). */
export async function runRule (stack: Stack, ruleId: string, tenant: string | null, attempt = 1, willRetry = false): Promise<Json> {
  const indexer = stack.indexer
  if (indexer === undefined) throw new Error('the stack has no worker')
  return await indexer.alerting.runner.run({ ruleId, tenant, jobId: `test-${attempt}`, attempt, willRetry }) as unknown as Json
}

export async function until<T> (what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}
