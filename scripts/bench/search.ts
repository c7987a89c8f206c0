/**
 * Read benchmark: median and p95 latency of typical investigation queries through the HTTP API and, in the
 * same run, of the same Elasticsearch requests sent directly (open point in time, search, close).
 * Usage: npm run bench:search -- [events=1000000] [iterations=30]
 */
import { Agent, request } from 'node:http'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { EventsReader } from '../../src/store/events/events-read.ts'
import { buildQuery } from '../../src/query/build-query.ts'
import { compileSort } from '../../src/query/sort.ts'
import type { SearchRequest } from '../../src/query/search-request.ts'
import { PLATFORM_SCOPE } from '../../src/auth/read-scope.ts'
import { HIGHLIGHT } from '../../src/search/search-service.ts'
import { KEYS, testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const ITERATIONS = Number(process.argv[3] ?? 30)
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const es = createEs(config.elasticsearchUrl)

const QUERIES: Record<string, SearchRequest> = {
  'user timeline, 30 days': { filters: { userId: ['u-4242'], period: { from: 'now-30d/d', to: 'now' } } },
  'failed sign-ins from FR, 7 days': { filters: { action: ['login', 'login_failed'], outcome: ['failure'], country: ['FR'], period: { from: 'now-7d' } } },
  'KQL: large withdrawals abroad': { query: 'event.action:withdrawal and audit.money.amount >= 1000 and not source.geo.country_iso_code:FR' },
  'CIDR 10.0.0.0/8, last day': { filters: { ip: ['10.0.0.0/8'], period: { from: 'now-1d' } } },
  'free text "chargeback", highlighted': { filters: { text: 'chargeback' }, highlight: true },
  'high importance by rank': { filters: { importance: { min: 'high' } }, sort: [{ field: 'importance', order: 'desc' }] },
  'session events': { filters: { sessionId: ['s-4242-7'] }, sort: [{ field: 'time', order: 'asc' }] },
  'operator actions, KQL wildcard': { query: 'audit.actor.type:operator and event.action:*_changed' }
}

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number }

await ensureDataset(es, config, TOTAL, s => console.log(s))
const api = await composeApi(config, es)
await api.app.listen({ port: 0, host: '127.0.0.1' })
const address = api.app.server.address()
const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1/events/search`
const reader = new EventsReader(es, config.indexPrefix)

// Node's own HTTP client on kept-alive connections, as lean as the Elasticsearch client's (fetch adds about a
// millisecond of its own per request, which is the client's cost, not the API's).
const agent = new Agent({ keepAlive: true, maxSockets: 4 })

async function viaApi (req: SearchRequest): Promise<number> {
  const t0 = performance.now()
  const payload = JSON.stringify({ size: 50, ...req })
  const { status, text } = await new Promise<{ status: number, text: string }>((resolve, reject) => {
    const r = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `ApiKey ${KEYS.read}` } }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }) }).on('error', reject)
    })
    r.on('error', reject).end(payload)
  })
  const body = JSON.parse(text) as unknown
  if (status !== 200) throw new Error(JSON.stringify(body))
  return performance.now() - t0
}

async function direct (req: SearchRequest): Promise<number> {
  const t0 = performance.now()
  const query = buildQuery(req, PLATFORM_SCOPE, [])
  const sort = compileSort(req.sort, [], false)
  const pit = await reader.openPit()
  const page = await reader.page(pit, { query, sort, size: 50, trackTotal: true, ...(req.highlight === true ? { highlight: HIGHLIGHT } : {}) })
  if (page.hits.length < 50) await reader.closePit(page.pit)
  return performance.now() - t0
}

try {
  console.log(`${TOTAL.toLocaleString('en-US')} events; ${ITERATIONS} runs per query after 5 warm-up runs; page size 50`)
  // Added time is the median of each run's difference (API run i minus direct run i, taken back to back), which
  // a busy machine's drift moves less than the difference of the two medians.
  console.log('query'.padEnd(40), 'API median  p95 │ direct median  p95 │ added: median   share')
  for (const [name, req] of Object.entries(QUERIES)) {
    for (let i = 0; i < 5; i++) { await viaApi(req); await direct(req) }
    const a: number[] = []
    const d: number[] = []
    for (let i = 0; i < ITERATIONS; i++) { a.push(await viaApi(req)); d.push(await direct(req)) }
    const f = (n: number): string => n.toFixed(1).padStart(6)
    const added = pct(a.map((x, i) => x - (d[i] as number)), 0.5)
    console.log(name.padEnd(40), `${f(pct(a, 0.5))} ${f(pct(a, 0.95))} │ ${f(pct(d, 0.5))} ${f(pct(d, 0.95))}      │ ${f(added)} ms ${(100 * added / pct(d, 0.5)).toFixed(0).padStart(5)} %`)
  }
} finally {
  agent.destroy()
  await api.close()
  await es.close()
}
