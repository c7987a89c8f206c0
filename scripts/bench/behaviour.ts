/**
 * Behaviour and signals benchmark: median and p95 latency of each behaviour and signal endpoint through the
 * HTTP API on the read benchmark's data set (reused under the prefix bench<events>, loaded when missing).
 * Usage: node --import tsx scripts/bench/behaviour.ts [events=1000000] [runs=5]
 */
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { KEYS, testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const RUNS = Number(process.argv[3] ?? 5)
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const es = createEs(config.elasticsearchUrl)

const CASES: Array<[string, string, object]> = [
  ['funnel login → deposit → bet, 7d', 'behaviour/funnel', { steps: [['login'], ['deposit'], ['bet_placed']], window: '7d' }],
  ['next actions after deposit (session)', 'behaviour/next-actions', { action: 'deposit' }],
  ['session statistics', 'behaviour/sessions', {}],
  ['weekly cohorts, 12 weeks', 'behaviour/cohorts', { weeks: 12, timeZone: 'Europe/Paris' }],
  ['failed sign-in bursts per user', 'signals/failed-logins', { by: 'user', threshold: 3, window: '1d' }],
  ['failed sign-in bursts per address', 'signals/failed-logins', { by: 'ip' }],
  ['impossible travel', 'signals/impossible-travel', {}],
  ['addresses shared by accounts', 'signals/shared-device', { by: 'ip', minUsers: 3 }],
  ['change then withdraw, 24h', 'signals/change-then-withdraw', {}],
  ['funnel, last 7 days', 'behaviour/funnel', { steps: [['login'], ['deposit'], ['bet_placed']], filters: { period: { from: 'now-7d' } } }],
  ['session statistics, last 7 days', 'behaviour/sessions', { filters: { period: { from: 'now-7d' } } }]
]

const pct = (xs: number[], p: number): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] as number }

await ensureDataset(es, config, TOTAL, s => console.log(s))
const api = await composeApi(config, es)
await api.app.listen({ port: 0, host: '127.0.0.1' })
const address = api.app.server.address()
const root = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/v1/`

interface Answer { bounds: { scanned: number, truncated: boolean }, found?: number }

async function run (path: string, body: object): Promise<{ ms: number, answer: Answer }> {
  const t0 = performance.now()
  const res = await fetch(root + path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `ApiKey ${KEYS.read}` } })
  const answer = await res.json() as Answer
  if (res.status !== 200) throw new Error(JSON.stringify(answer))
  return { ms: performance.now() - t0, answer }
}

try {
  console.log(`${TOTAL.toLocaleString('en-US')} events; ${RUNS} runs per endpoint after 1 warm-up run; milliseconds`)
  console.log('| Request | median | p95 | read | signals |')
  console.log('|---|---|---|---|---|')
  for (const [name, path, body] of CASES) {
    const { answer } = await run(path, body)
    const times: number[] = []
    for (let i = 0; i < RUNS; i++) times.push((await run(path, body)).ms)
    const read = `${answer.bounds.scanned.toLocaleString('en-US')}${answer.bounds.truncated ? ' (truncated)' : ''}`
    console.log(`| ${name} | ${pct(times, 0.5).toFixed(0)} | ${pct(times, 0.95).toFixed(0)} | ${read} | ${answer.found ?? ''} |`)
  }
} finally {
  await api.close()
  await es.close()
}
