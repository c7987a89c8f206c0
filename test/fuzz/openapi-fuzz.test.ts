import t from 'tap'
import { pino } from 'pino'
import { auth, KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { seedEvents } from '../helpers/seed.ts'
import { ensureFuzzer, runSchemathesis, type FuzzResult, type FuzzRun } from './schemathesis.ts'

// A schema-driven fuzzer (schemathesis) against the service's own /openapi.json, on a real stack on a loopback
// port: no 5xx, every status documented, every answer as documented. The short run is part of npm test;
// `npm run fuzz:long` (SILLAGE_FUZZ=long) runs every phase with more cases. SILLAGE_FUZZ_SEED replays a run.
const LONG = process.env.SILLAGE_FUZZ === 'long'
const SEED = Number(process.env.SILLAGE_FUZZ_SEED ?? (LONG ? Math.floor(Math.random() * 2 ** 31) : 20261202))
const READS = ['--include-by', '/x-required-scope == "read"']
// The one operation that takes NDJSON (the Kibana saved objects import); scripts/fuzz/hooks.py sends it.
const KIBANA_IMPORT = ['--include-by', '/requestBody/content/application~1x-ndjson/schema/type == "string"']

const RUNS: FuzzRun[] = LONG
  ? [
      { name: 'platform key', key: KEYS.admin, phases: 'examples,coverage,fuzzing,stateful', maxExamples: 100 },
      { name: 'tenant key', key: KEYS.aAdmin, phases: 'coverage,fuzzing', maxExamples: 60 },
      { name: 'masked key', key: KEYS.aMasked, phases: 'fuzzing', maxExamples: 80, filters: READS },
      { name: 'Kibana import', key: KEYS.aRead, phases: 'fuzzing', maxExamples: 1000, filters: KIBANA_IMPORT }
    ]
  : [
      { name: 'platform key', key: KEYS.admin, phases: 'examples,fuzzing', maxExamples: 14 },
      { name: 'tenant key', key: KEYS.aAdmin, phases: 'fuzzing', maxExamples: 9 },
      { name: 'masked key', key: KEYS.aMasked, phases: 'fuzzing', maxExamples: 10, filters: READS },
      { name: 'Kibana import', key: KEYS.aRead, phases: 'fuzzing', maxExamples: 400, filters: KIBANA_IMPORT }
    ]
// A safety net, not the budget (the case counts are): a run cut short fails, so it is far above a quiet run's time.
const RUN_TIMEOUT_MS = (LONG ? 45 : 8) * 60_000
t.setTimeout((LONG ? 200 : 18) * 60_000)

/**
 * Server errors as the service logged them (the fuzzer sees a 500, the log says why), and values Elasticsearch
 * refused (a 400 the service should have given itself, naming the field, before any query).
 */
const serverErrors: string[] = []
const log = pino({ level: 'warn' }, {
  write: (line: string) => {
    const entry = JSON.parse(line) as { msg?: string, err?: { message?: string, stack?: string } }
    if (entry.msg === 'request failed' || entry.msg === 'Elasticsearch refused the request') serverErrors.push(`${entry.msg}: ${entry.err?.stack ?? entry.err?.message ?? line}`.slice(0, 1500))
  }
})

let stack: Stack
let base: string

t.before(async () => {
  ensureFuzzer()
  // Loopback receivers are allowed so that the hooks can point every stream the fuzzer makes at a closed local port.
  stack = await startStack(t, { log, env: { SILLAGE_RATE_LIMIT_PER_MINUTE: '10000000', SILLAGE_AUTH_FAILURES_PER_MINUTE: '0', SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on' } })
  const app = stack.api.app
  const platform = seedEvents('fz', 40, Date.now() - 60_000)
  const tenant = seedEvents('fa', 20, Date.now() - 90_000)
  for (const [key, events] of [[KEYS.ingest, platform], [KEYS.aIngest, tenant]] as const) {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload: { events: events.map(e => e.body) } })
    if (res.statusCode !== 202) throw new Error(res.body)
  }
  if (await stack.waitForCount(60) < 60) throw new Error('seed events not indexed')
  for (const key of [KEYS.read, KEYS.aRead]) {
    const saved = await app.inject({ method: 'POST', url: '/v1/saved-searches', headers: auth(key), payload: { name: 'logins', query: 'event.action:login', shared: true } })
    if (saved.statusCode !== 201) throw new Error(saved.body)
  }
  base = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1')
})

t.test(`schemathesis against /openapi.json (${LONG ? 'long' : 'short'} run, seed ${SEED})`, async t => {
  // Two lanes side by side (one process each, two cores): the platform key's run, and the others in turn.
  const started = Date.now()
  const lanes = [RUNS.slice(0, 1), RUNS.slice(1)]
  const results: FuzzResult[] = (await Promise.all(lanes.map(async lane => {
    const done: FuzzResult[] = []
    for (const run of lane) done.push(await runSchemathesis(base, run, SEED, RUN_TIMEOUT_MS))
    return done
  }))).flat()
  for (const result of results) {
    t.ok(result.cases > 0, `${result.name}: ${result.cases} cases on ${result.operations} operations in ${result.seconds} s`)
    t.equal(result.exitCode, 0, `${result.name}: no failing case`, { diagnostic: result.exitCode !== 0, failures: result.failures || result.output.slice(-4000) })
  }
  t.same(serverErrors, [], 'the service logged no server error and no value refused by Elasticsearch', { diagnostic: serverErrors.length > 0 })
  const total = results.reduce((sum, r) => sum + r.cases, 0)
  const seconds = Math.round((Date.now() - started) / 1000)
  t.comment(`fuzz: ${total} cases in ${seconds} s (seed ${SEED}): ${results.map(r => `${r.name} ${r.cases}`).join(', ')}`)
  if (!LONG) t.ok(total >= 2000, 'the short run keeps a budget of a few thousand cases')
})
