/**
 * Export benchmark: every event of the benchmark data set exported as CSV and as NDJSON, newest first (the
 * default order), in process, through the export service (point in time, search_after pages, writer, hashing)
 * into /dev/null. Prints rows per second and the peak memory of this process: RSS and V8 heap in use, sampled
 * every 50 ms. The baselines, in the same run: the same walk over the same point in time with nothing written,
 * documents parsed and as raw text (what Elasticsearch and the client alone allow).
 *
 * The data set is loaded in id order with random times; event partitions are sorted by time on disk
 * (index.sort), so a time-ordered read is sequential whatever the order events arrived in.
 * Usage: npm run bench:export -- [events=1000000] [formats=csv,ndjson]
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { createWriteStream } from 'node:fs'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { EXPORT_PAGE, EventsExportReader, type WalkOptions } from '../../src/store/events/events-export.ts'
import { ExportFiles } from '../../src/store/events/export-files.ts'
import { ExportService } from '../../src/export/export-service.ts'
import type { ExportJobs } from '../../src/export/jobs.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'

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
const es = createEs(config.elasticsearchUrl)

const noJobs: ExportJobs = {
  enqueue: async () => { throw new Error('the benchmark streams every export') },
  unfinishedOf: async () => 0,
  get: async () => undefined,
  finished: async () => [],
  remove: async () => undefined
}
const serviceOf = (prefix: string): ExportService => {
  const reader = new EventsExportReader(es, prefix)
  return new ExportService({ open: async () => await reader.open(), files: new ExportFiles('/dev/null'), jobs: noJobs }, { syncMax: Number.MAX_SAFE_INTEGER, reportMax: 1, ttlHours: 1 })
}
const MB = 1024 * 1024

/** Peak RSS and heap in use while `work` runs, sampled every 50 ms. */
async function peakMemory<T> (work: () => Promise<T>): Promise<{ result: T, rss: number, heap: number }> {
  let rss = 0
  let heap = 0
  const sample = (): void => {
    const m = process.memoryUsage()
    rss = Math.max(rss, m.rss)
    heap = Math.max(heap, m.heapUsed)
  }
  const timer = setInterval(sample, 50)
  try {
    const result = await work()
    sample()
    return { result, rss, heap }
  } finally {
    clearInterval(timer)
  }
}

const report = (label: string, rows: number, seconds: number, rss: number, heap: number, extra = ''): void => {
  // CPU time of this process against the wall time: near 100 % means the exporter, not Elasticsearch, is the limit.
  const cpu = process.cpuUsage()
  const busy = (cpu.user + cpu.system) / 1e6 / ((performance.now() - started) / 1000)
  console.log(`${label.padEnd(28)} ${rows.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s: ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s${extra}; ` +
    `peak RSS ${(rss / MB).toFixed(0)} MiB, peak heap used ${(heap / MB).toFixed(0)} MiB; process CPU ${(busy * 100).toFixed(0)} % of wall time`)
}
const started = performance.now()

/**
 * The baselines: the export's walk (same point in time, order, page size) read and dropped, with each hit's
 * document parsed (what CSV and PDF read) and as raw text (what NDJSON and JSON read).
 */
async function pagesAlone (kind: 'parsed' | 'raw'): Promise<void> {
  const t0 = performance.now()
  const walk: WalkOptions = { query: { match_all: {} }, sort: [{ '@timestamp': { order: 'desc' } }, { 'event.id': { order: 'desc' } }] }
  const { result: rows, rss, heap } = await peakMemory(async () => {
    const snapshot = await new EventsExportReader(es, config.indexPrefix).open()
    let n = 0
    try {
      if (kind === 'raw') for await (const page of snapshot.sourcePages(walk)) n += page.length
      // Parsed pages are lazy: each document is parsed as it is reached.
      else for await (const page of snapshot.pages(walk)) for (const doc of page) if (doc !== undefined) n++
    } finally {
      await snapshot.close()
    }
    return n
  })
  report(`baseline: ${kind} pages alone`, rows, (performance.now() - t0) / 1000, rss, heap)
}

async function run (service: ExportService, format: 'csv' | 'ndjson' | 'json'): Promise<void> {
  const t0 = performance.now()
  const { result, rss, heap } = await peakMemory(async () => {
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
    return { rows: started.total, bytes }
  })
  report(`export ${format}`, result.rows, (performance.now() - t0) / 1000, rss, heap, `, ${(result.bytes / MB).toFixed(0)} MiB written`)
}

/** One measurement in this process (a child of the main run): a fresh heap, so each peak is its own. */
async function measureOne (kind: string): Promise<void> {
  const m = process.memoryUsage()
  console.log(`  (process before: RSS ${(m.rss / MB).toFixed(0)} MiB, heap used ${(m.heapUsed / MB).toFixed(0)} MiB)`)
  if (kind === 'parsed' || kind === 'raw') await pagesAlone(kind)
  else await run(serviceOf(config.indexPrefix), kind as 'csv' | 'ndjson' | 'json')
}

async function child (kind: string): Promise<void> {
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(TOTAL), kind], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BENCH_EXPORT_ONE: '1' } })
  const [code] = await once(proc, 'exit') as [number | null]
  if (code !== 0) throw new Error(`the ${kind} measurement exited with ${code}`)
}

try {
  if (process.env.BENCH_EXPORT_ONE === '1') {
    await measureOne(process.argv[3] ?? 'raw')
  } else {
    // The loader enriches events: importing it holds geoip-lite's tables in memory, which are no part of an export.
    const present = await es.count({ index: eventsAlias(config.indexPrefix), ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
    if (present !== TOTAL) {
      const { ensureDataset } = await import('./dataset.ts')
      await ensureDataset(es, config, TOTAL, s => console.log(s))
    }
    console.log(`export of ${TOTAL.toLocaleString('en-US')} events, newest first, into /dev/null, each measure in a fresh process (Node ${process.version}, page ${EXPORT_PAGE})`)
    for (const kind of ['parsed', 'raw', ...FORMATS]) await child(kind)
  }
} finally {
  await es.close()
}
