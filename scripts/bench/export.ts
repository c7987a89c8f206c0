/**
 * Export benchmark: every event of the benchmark data set exported as CSV and as NDJSON, newest first (the
 * default order), in process, through the export service (point in time, search_after pages, writer, hashing)
 * into /dev/null. Prints rows per second and the peak memory of this process: RSS and V8 heap in use, sampled
 * every 50 ms.
 *
 * Two copies of the same events are measured. The benchmark data set is loaded in id order with random times,
 * so its storage order is unrelated to time: every page of a time-sorted read touches every compressed block of
 * stored documents. Production events are stored as they arrive, in time order; the second copy
 * (`<prefix>t`, made once from the first, oldest first) is stored like that.
 * Usage: npm run bench:export -- [events=1000000] [formats=csv,ndjson]
 */
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { EventsExportReader } from '../../src/store/events-export.ts'
import { ExportFiles } from '../../src/store/export-files.ts'
import { ExportService } from '../../src/export/export-service.ts'
import type { ExportJobs } from '../../src/export/jobs.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { eventsAlias, partitionIndex } from '../../src/store/index-names.ts'
import { installTemplates } from '../../src/store/templates.ts'
import type { RetentionClass } from '../../src/store/retention-classes.ts'
import type { Config } from '../../src/config/config.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const FORMATS = (process.argv[3] ?? 'csv,ndjson').split(',') as Array<'csv' | 'ndjson' | 'json'>
// The environment is built here rather than with the test helpers: those load the whole service (geoip-lite's
// tables among it), which would count in this process's memory.
const env = (prefix: string): Record<string, string> => ({
  ELASTICSEARCH_URL: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  SILLAGE_API_KEYS: 'bench-export-key-0001:read+export',
  SILLAGE_INDEX_PREFIX: prefix,
  SILLAGE_LOG_LEVEL: 'warn'
})
const config = loadConfig(env(`bench${TOTAL}`))
const ordered = loadConfig(env(`bench${TOTAL}t`))
const es = createEs(config.elasticsearchUrl)

const noJobs: ExportJobs = {
  enqueue: async () => { throw new Error('the benchmark streams every export') },
  get: async () => undefined,
  finished: async () => [],
  remove: async () => undefined
}
const serviceOf = (prefix: string): ExportService => {
  const reader = new EventsExportReader(es, prefix)
  return new ExportService({ open: async () => await reader.open(), files: new ExportFiles('/dev/null'), jobs: noJobs }, { syncMax: Number.MAX_SAFE_INTEGER, reportMax: 1, ttlHours: 1 })
}
const MB = 1024 * 1024

/** The same events stored in time order, as production stores them; copied once, oldest first. */
async function ensureTimeOrdered (from: Config, to: Config): Promise<void> {
  const have = await es.count({ index: eventsAlias(to.indexPrefix), ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
  if (have === TOTAL) { console.log(`time-ordered copy present under ${eventsAlias(to.indexPrefix)}`); return }
  if (have > 0) throw new Error(`${eventsAlias(to.indexPrefix)} holds ${have} events, not ${TOTAL}: delete its indices first`)
  await installTemplates(es, { prefix: to.indexPrefix, replicas: 0, retentionDays: to.retentionDays }, await detectCapabilities(es))
  const t0 = performance.now()
  const snapshot = await new EventsExportReader(es, from.indexPrefix).open()
  let n = 0
  try {
    for await (const page of snapshot.pages({ query: { match_all: {} }, sort: [{ '@timestamp': { order: 'asc' } }, { 'event.id': { order: 'asc' } }] })) {
      const docs = page.map(h => {
        const audit = h.source.audit as { retention: RetentionClass }
        return { index: partitionIndex(to.indexPrefix, audit.retention, h.source['@timestamp'] as string), id: h.id, doc: h.source }
      })
      if ((await bulkCreate(es, docs)).some(r => r.status !== 201)) throw new Error('copy refused documents')
      n += docs.length
      if (n % 100_000 === 0) console.log(`copied ${n} / ${TOTAL} in time order`)
    }
  } finally {
    await snapshot.close()
  }
  await es.indices.refresh({ index: eventsAlias(to.indexPrefix) })
  await es.indices.forcemerge({ index: eventsAlias(to.indexPrefix), max_num_segments: 5 }).catch(() => undefined)
  console.log(`copied ${n} events in time order in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}

async function run (service: ExportService, label: string, format: 'csv' | 'ndjson' | 'json'): Promise<void> {
  let rss = 0
  let heap = 0
  const sample = (): void => {
    const m = process.memoryUsage()
    rss = Math.max(rss, m.rss)
    heap = Math.max(heap, m.heapUsed)
  }
  const timer = setInterval(sample, 50)
  const t0 = performance.now()
  const started = await service.startExport({ format }, { keyId: 'bench', tenant: null, masked: false })
  if (started.mode !== 'stream') throw new Error('expected a streamed export')
  const out = createWriteStream('/dev/null')
  let bytes = 0
  for await (const chunk of started.body) {
    bytes += (chunk as Buffer).length
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  const seconds = (performance.now() - t0) / 1000
  clearInterval(timer)
  sample()
  const rate = Math.round(started.total / seconds)
  console.log(`${label.padEnd(24)} ${format.padEnd(7)} ${started.total.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s: ${rate.toLocaleString('en-US')} rows/s, ` +
    `${(bytes / MB).toFixed(0)} MiB written; peak RSS ${(rss / MB).toFixed(0)} MiB, peak heap used ${(heap / MB).toFixed(0)} MiB`)
}

try {
  // The loader enriches events: importing it holds geoip-lite's tables in memory, which are no part of an export.
  const present = await es.count({ index: eventsAlias(config.indexPrefix), ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
  if (present !== TOTAL) {
    const { ensureDataset } = await import('./dataset.ts')
    await ensureDataset(es, config, TOTAL, s => console.log(s))
    console.log('the data set was loaded in this run: memory figures include the loader; run again to measure exports alone')
  }
  await ensureTimeOrdered(config, ordered)
  const m = process.memoryUsage()
  console.log(`export of ${TOTAL.toLocaleString('en-US')} events, newest first, into /dev/null, in process (Node ${process.version}); ` +
    `before the first export: RSS ${(m.rss / MB).toFixed(0)} MiB, heap used ${(m.heapUsed / MB).toFixed(0)} MiB`)
  for (const [label, prefix] of [['stored in time order', ordered.indexPrefix], ['stored in random order', config.indexPrefix]] as const) {
    for (const format of FORMATS) await run(serviceOf(prefix), label, format)
  }
} finally {
  await es.close()
}
