/**
 * Analytics benchmark: median and p95 latency of each analytics endpoint through the HTTP API, on the
 * read benchmark's data set (loaded once under the same prefix and reused).
 * Usage: node --import tsx scripts/bench/analytics.ts [events=1000000] [iterations=30]
 */
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { KEYS, testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const ITERATIONS = Number(process.argv[3] ?? 30)
const WARM_UP = 5
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const es = createEs(config.elasticsearchUrl)

const last = (days: number): object => ({ period: { from: `now-${days}d/d`, to: 'now', timeZone: 'Europe/Paris' } })
const CASES: Array<[string, 'GET' | 'POST', string, object?]> = [
  ['aggregate: 90 days by day, unique users, amounts', 'POST', '/v1/events/aggregate', { filters: last(90), groupBy: [{ field: 'date', interval: 'day' }], metrics: ['uniqueUsers', 'amount'] }],
  ['aggregate: country × category, 3 metrics', 'POST', '/v1/events/aggregate', { groupBy: [{ field: 'country', size: 30 }, { field: 'category' }], metrics: ['uniqueUsers', 'uniqueIps', 'amount'] }],
  ['aggregate: day × action, 30 days (Paris)', 'POST', '/v1/events/aggregate', { filters: last(30), groupBy: [{ field: 'date', interval: 'day' }, { field: 'action', size: 20 }] }],
  ['aggregate: top 100 users by amount withdrawn', 'POST', '/v1/events/aggregate', { filters: { action: ['withdrawal'] }, groupBy: [{ field: 'user.id', size: 100, order: { by: 'amount.sum' } }], metrics: ['amount'] }],
  ['aggregate: page of 1,000 users (composite)', 'POST', '/v1/events/aggregate', { groupBy: [{ field: 'user.id' }], metrics: ['amount'], page: { size: 1000 } }],
  ['session summary', 'GET', '/v1/sessions/s-4242-7/summary'],
  ['user summary, 30 days', 'GET', '/v1/users/u-4242/summary?from=now-30d%2Fd&to=now'],
  ['period summary: 7 days against the 7 before', 'POST', '/v1/analytics/period-summary', { filters: last(7) }],
  ['top events, 7 days, 50', 'POST', '/v1/analytics/top-events', { filters: last(7), size: 50 }],
  ['risky users, 30 days, top 20', 'POST', '/v1/analytics/risky-users', { filters: last(30), size: 20 }],
  ['importance rules (read)', 'GET', '/v1/importance-rules']
]

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number }

await ensureDataset(es, config, TOTAL, s => console.log(s))
const api = await composeApi(config, es)
await api.app.listen({ port: 0, host: '127.0.0.1' })
const address = api.app.server.address()
const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`

async function time (method: 'GET' | 'POST', path: string, body?: object): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `ApiKey ${KEYS.read}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const answer = await res.text()
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${answer}`)
  return performance.now() - t0
}

try {
  console.log(`${TOTAL.toLocaleString('en-US')} events; ${ITERATIONS} runs per endpoint after ${WARM_UP} warm-up runs; milliseconds`)
  console.log('endpoint'.padEnd(50), 'median     p95')
  for (const [name, method, path, body] of CASES) {
    for (let i = 0; i < WARM_UP; i++) await time(method, path, body)
    const runs: number[] = []
    for (let i = 0; i < ITERATIONS; i++) runs.push(await time(method, path, body))
    console.log(name.padEnd(50), pct(runs, 0.5).toFixed(1).padStart(6), pct(runs, 0.95).toFixed(1).padStart(8))
  }
} finally {
  await api.close()
  await es.close()
}
