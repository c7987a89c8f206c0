/**
 * Ingest benchmark: HTTP ingest rate (202s), end-to-end rate (posted → searchable) through the real API and
 * worker processes (the compiled build, as production runs them), their RSS in each phase beside their RSS
 * when ready, and, in the same run, the raw `_bulk` rate of the same documents into the same Elasticsearch,
 * as a baseline; then the cost of durable acknowledgement (scripts/bench/durable-ack.ts).
 * Usage: npm run bench -- [events=100000] [concurrency=4]
 */
import type { ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { eventsAlias, partitionIndex } from '../../src/store/events/index-names.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { cleanup, KEYS, testEnv } from '../../test/helpers/stack.ts'
import { makeBatch } from '../../test/helpers/events.ts'
import { durableAckRuns, fsyncMs, printAckTable } from './durable-ack.ts'
import { rssSampler } from './process-memory.ts'
import { buildService, ROOT, startService, type Role } from './service-processes.ts'

const TOTAL = Number(process.argv[2] ?? 100_000)
const CONCURRENCY = Number(process.argv[3] ?? 4)
const BATCH = 1000
const PORT = 3900 + Math.floor(Math.random() * 90)

const env = testEnv({ PORT: String(PORT), SILLAGE_QUEUE_MAX_JOBS: '1000000' })
const config = loadConfig(env)
const es = createEs(config.elasticsearchUrl)
const run = `b${Date.now().toString(36)}`
const bodies = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => makeBatch(run, b * BATCH, Math.min(BATCH, TOTAL - b * BATCH)))

function start (role: Role): ChildProcess {
  return startService(role, env, ['ignore', 'ignore', 'inherit'])
}

/** RSS of a process in MB at the end of a phase and its highest during it. */
interface PhaseRss { nowMb: number, peakMb: number }
interface Memory { apiReady: PhaseRss, apiAlone: PhaseRss, apiDrain: PhaseRss, workerDrain: PhaseRss, apiE2e: PhaseRss, workerE2e: PhaseRss }

async function count (index: string): Promise<number> {
  await es.indices.refresh({ index, ignore_unavailable: true, allow_no_indices: true })
  return (await es.count({ index, ignore_unavailable: true, allow_no_indices: true })).count
}

async function pool<T> (items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await work(items[next++] as T)
  }))
}

async function postAll (batches: typeof bodies): Promise<void> {
  await pool(batches, CONCURRENCY, async body => {
    const res = await fetch(`http://127.0.0.1:${PORT}/v1/events`, {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `ApiKey ${KEYS.ingest}` }
    })
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`)
    await res.arrayBuffer()
  })
}

/** Phase 1: the API alone (the queue absorbs everything); phase 2: API and worker together, posted → searchable. */
async function httpAndEndToEnd (): Promise<{ apiOnlyRate: number, drainRate: number, httpRate: number, e2eRate: number, memory: Memory }> {
  const api = start('api')
  const apiRss = rssSampler(api.pid)
  let worker: ChildProcess | undefined
  let workerRss: ReturnType<typeof rssSampler> | undefined
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/health/ready`).then(r => r.ok, () => false)
      if (ok) break
      if (i > 300) throw new Error('the API did not become ready')
      await sleep(100)
    }
    const apiReady = await apiRss.take()
    const alone = bodies.map(b => ({ events: b.events.map(e => ({ ...e, event: { ...(e.event as object), id: `a-${(e.event as { id: string }).id}` } })) }))
    let t0 = performance.now()
    await postAll(alone)
    const apiOnlyRate = TOTAL / ((performance.now() - t0) / 1000)
    const apiAlone = await apiRss.take()
    const alias = eventsAlias(config.indexPrefix)
    t0 = performance.now()
    worker = start('worker')
    workerRss = rssSampler(worker.pid)
    while (await count(alias) < TOTAL) await sleep(100) // drain phase 1 before phase 2 starts
    const drainRate = TOTAL / ((performance.now() - t0) / 1000)
    const [apiDrain, workerDrain] = [await apiRss.take(), await workerRss.take()]

    t0 = performance.now()
    await postAll(bodies)
    const accepted = performance.now()
    while (await count(alias) < 2 * TOTAL) await sleep(100)
    const searchable = performance.now()
    const memory = { apiReady, apiAlone, apiDrain, workerDrain, apiE2e: await apiRss.take(), workerE2e: await workerRss.take() }
    return { apiOnlyRate, drainRate, httpRate: TOTAL / ((accepted - t0) / 1000), e2eRate: TOTAL / ((searchable - t0) / 1000), memory }
  } finally {
    apiRss.stop()
    workerRss?.stop()
    api.kill('SIGTERM')
    worker?.kill('SIGTERM')
  }
}

/** The same enriched documents, written straight to `_bulk` with the batch size the worker uses. */
async function rawBulk (prefix: string, batches: typeof bodies): Promise<number> {
  const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(config), { indexPrefix: prefix, maxBatch: BATCH, queueMaxJobs: 1 })
  // Serialised the way the ingest service queues them, so both paths send the same bytes.
  const docs = batches.flatMap(b => prepare.prepare(b)).map(e => ({ index: partitionIndex(prefix, e.audit.retention, e['@timestamp']), id: eventDocId(e.audit.tenant, e.event.id), doc: JSON.stringify(e) }))
  const chunks: Array<typeof docs> = []
  for (let i = 0; i < docs.length; i += config.bulkMaxDocs) chunks.push(docs.slice(i, i + config.bulkMaxDocs))
  const t0 = performance.now()
  await pool(chunks, 2, async chunk => {
    const results = await bulkCreate(es, chunk)
    if (results.some(r => r.status !== 201)) throw new Error('raw bulk refused documents')
  })
  while (await count(`${prefix}-events-*`) < docs.length) await sleep(100)
  return docs.length / ((performance.now() - t0) / 1000)
}

const caps = await detectCapabilities(es)
const layout = { prefix: config.indexPrefix, replicas: 0, retentionDays: config.retentionDays }
await installTemplates(es, layout, caps)
const side = { raw: `${config.indexPrefix}raw`, warm: `${config.indexPrefix}warm` }
await installTemplates(es, { ...layout, prefix: side.raw }, caps)
await installTemplates(es, { ...layout, prefix: side.warm }, caps)
try {
  console.log(`Elasticsearch ${caps.version}; ${TOTAL} events in batches of ${BATCH}, ${CONCURRENCY} concurrent requests`)
  await buildService()
  // A cold JVM indexes at a third of its speed: warm it so the baseline and the service are compared fairly.
  await rawBulk(side.warm, bodies.slice(0, 30))
  const raw = await rawBulk(side.raw, bodies)
  const { apiOnlyRate, drainRate, httpRate, e2eRate, memory: m } = await httpAndEndToEnd()
  const f = (n: number): string => `${Math.round(n).toLocaleString('en-US')} events/s`
  console.log(`raw _bulk (baseline, same documents):  ${f(raw)}`)
  console.log(`HTTP ingest, API alone (202 received): ${f(apiOnlyRate)}`)
  console.log(`worker drain, queue → searchable:      ${f(drainRate)} (includes worker start-up)`)
  console.log(`HTTP ingest while indexing:           ${f(httpRate)}`)
  console.log(`end to end (posted → searchable):     ${f(e2eRate)}`)
  console.log(`end to end / raw _bulk:               ${(e2eRate / raw).toFixed(2)}`)
  const mb = (r: PhaseRss): string => `${r.peakMb.toFixed(0)} / ${r.nowMb.toFixed(0)} MB`
  console.log(`\nRSS of the processes (compiled build, node ${process.version}), highest during the phase / at its end; baseline: the API ready, before any event: ${m.apiReady.nowMb.toFixed(0)} MB`)
  console.log(`API alone:                             API ${mb(m.apiAlone)}`)
  console.log(`worker drain:                          API ${mb(m.apiDrain)}, worker ${mb(m.workerDrain)}`)
  console.log(`end to end:                            API ${mb(m.apiE2e)}, worker ${mb(m.workerE2e)}`)
  printAckTable(await durableAckRuns(env, KEYS.ingest, bodies, CONCURRENCY), await fsyncMs(`${ROOT}.local`))
} finally {
  await cleanup(es, config)
  for (const prefix of Object.values(side)) await cleanup(es, { ...config, indexPrefix: prefix })
  await es.close()
}
