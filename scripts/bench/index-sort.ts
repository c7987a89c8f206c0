/**
 * What sorting event partitions by time on disk (`index.sort` in mappings/events-settings.json) costs at
 * indexing: the same enriched documents bulk-loaded into partitions with the sort and without it, in the same
 * run, alternating the order over rounds (without, with, with, without, …), each round on fresh indices.
 * Prints events/s and Elasticsearch's CPU time per event (node stats), which varies less than rates.
 * Usage: node --import tsx scripts/bench/index-sort.ts [events=200000] [rounds=2] (engines running)
 */
import type { estypes } from '@elastic/elasticsearch'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { esCpuMeter } from './cpu.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { eventsAlias, partitionIndex } from '../../src/store/events/index-names.ts'
import { RETENTION_CLASSES } from '../../src/events/retention-classes.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { cleanup, testEnv } from '../../test/helpers/stack.ts'
import { makeBatch } from '../../test/helpers/events.ts'

const TOTAL = Number(process.argv[2] ?? 200_000)
const ROUNDS = Number(process.argv[3] ?? 2)
const BULK = 2000
const base = loadConfig(testEnv())
const es = createEs(base.elasticsearchUrl)
const caps = await detectCapabilities(es)
const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(base), { indexPrefix: 'x', maxBatch: 1000, queueMaxJobs: 1 })
const events = Array.from({ length: Math.ceil(TOTAL / 1000) }, (_, b) => prepare.prepare(makeBatch('isort', b * 1000, Math.min(1000, TOTAL - b * 1000)))).flat()
const made: string[] = []

const esCpuMs = esCpuMeter(es)

/** Templates of a fresh prefix, with or without the time sort. */
async function layout (prefix: string, sorted: boolean): Promise<void> {
  made.push(prefix)
  await installTemplates(es, { prefix, replicas: 0, retentionDays: base.retentionDays }, caps)
  if (sorted) return
  for (const cls of RETENTION_CLASSES) {
    const name = `${prefix}-events-${cls}`
    const [template] = (await es.indices.getIndexTemplate({ name })).index_templates
    // Dates the system keeps on a stored template cannot be sent back.
    const { created_date: _c, created_date_millis: _cm, modified_date: _m, modified_date_millis: _mm, ...body } = template?.index_template as estypes.IndicesIndexTemplate & Record<string, unknown>
    const settings = body.template?.settings as { index?: Record<string, unknown> }
    delete settings.index?.sort
    await es.indices.putIndexTemplate({ name, ...body } as estypes.IndicesPutIndexTemplateRequest)
  }
}

/** Loads every event (2 bulks in flight), then refreshes: events/s and Elasticsearch CPU µs per event. */
async function load (prefix: string): Promise<{ rate: number, cpu: number }> {
  const docs = events.map(e => ({ index: partitionIndex(prefix, e.audit.retention, e['@timestamp']), id: e.event.id, doc: JSON.stringify(e) }))
  const cpu0 = await esCpuMs()
  const t0 = performance.now()
  let next = 0
  await Promise.all([0, 1].map(async () => {
    while (next < docs.length) {
      const chunk = docs.slice(next, next += BULK)
      if ((await bulkCreate(es, chunk)).some(r => r.status !== 201)) throw new Error('documents refused')
    }
  }))
  await es.indices.refresh({ index: eventsAlias(prefix) })
  const seconds = (performance.now() - t0) / 1000
  return { rate: TOTAL / seconds, cpu: (await esCpuMs() - cpu0) * 1000 / TOTAL }
}

try {
  console.log(`Elasticsearch ${caps.version}; ${TOTAL} enriched events per load, bulks of ${BULK}, ${ROUNDS} round(s)`)
  await layout(`${base.indexPrefix}warm`, true)
  await load(`${base.indexPrefix}warm`)
  const results: Record<'sorted' | 'unsorted', Array<{ rate: number, cpu: number }>> = { sorted: [], unsorted: [] }
  for (let r = 0; r < ROUNDS; r++) {
    const order: Array<'sorted' | 'unsorted'> = r % 2 === 0 ? ['unsorted', 'sorted'] : ['sorted', 'unsorted']
    for (const mode of order) {
      const prefix = `${base.indexPrefix}${r}${mode[0]}`
      await layout(prefix, mode === 'sorted')
      const res = await load(prefix)
      results[mode].push(res)
      console.log(`round ${r + 1}, ${mode.padEnd(8)}: ${Math.round(res.rate).toLocaleString('en-US')} events/s, Elasticsearch ${res.cpu.toFixed(0)} µs CPU per event`)
    }
  }
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
  const [s, u] = [results.sorted, results.unsorted]
  console.log(`mean: unsorted ${Math.round(mean(u.map(x => x.rate))).toLocaleString('en-US')} events/s (${mean(u.map(x => x.cpu)).toFixed(0)} µs), sorted ${Math.round(mean(s.map(x => x.rate))).toLocaleString('en-US')} events/s (${mean(s.map(x => x.cpu)).toFixed(0)} µs); sorted / unsorted rate ${(mean(s.map(x => x.rate)) / mean(u.map(x => x.rate))).toFixed(2)}`)
} finally {
  for (const prefix of made) await cleanup(es, { ...base, indexPrefix: prefix })
  await es.close()
}
