import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'

export type ReadyChecks = Record<string, () => Promise<unknown>>

export interface MetricsListener {
  port: number
  close: () => Promise<void>
}

/** Each check in parallel: `up` when it resolves, `down` when it throws or takes over 2 s. */
export async function runChecks (checks: ReadyChecks, timeoutMs = 2000): Promise<Record<string, 'up' | 'down'>> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error('timeout')), timeoutMs) })
    try {
      await Promise.race([check(), late])
      return [name, 'up'] as const
    } catch {
      return [name, 'down'] as const
    } finally {
      clearTimeout(timer)
    }
  }))
  return Object.fromEntries(entries)
}

/**
 * A small listener for Prometheus and the orchestrator, apart from the API: `GET /metrics`, `GET /health`
 * (liveness) and `GET /health/ready` (each dependency; 503 when one is down). It carries no event data and
 * asks for no key, so it binds to loopback unless told otherwise.
 */
export async function startMetricsListener (registry: Registry, checks: ReadyChecks, port: number, host: string): Promise<MetricsListener> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    const send = (status: number, type: string, body: string): void => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
    }
    if (request.method !== 'GET') return send(405, 'text/plain', 'method not allowed\n')
    if (path === '/metrics') {
      registry.metrics().then(text => send(200, registry.contentType, text), (err: Error) => send(500, 'text/plain', `metrics failed: ${err.message}\n`))
    } else if (path === '/health') {
      send(200, 'application/json', '{"status":"ok"}')
    } else if (path === '/health/ready') {
      runChecks(checks).then(components => {
        const ok = Object.values(components).every(s => s === 'up')
        send(ok ? 200 : 503, 'application/json', JSON.stringify({ status: ok ? 'ok' : 'unavailable', components }))
      }, () => send(500, 'text/plain', 'checks failed\n'))
    } else {
      send(404, 'text/plain', 'not found\n')
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => { server.off('error', reject); resolve() })
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>(resolve => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}
