/**
 * Export benchmark: every event of the benchmark data set exported as CSV and as NDJSON, in process, through the
 * export service (point in time, search_after pages, writer, hashing) into /dev/null. Prints rows per second and
 * the peak memory of this process: RSS and V8 heap in use, sampled every 50 ms.
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
import { testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const FORMATS = (process.argv[3] ?? 'csv,ndjson').split(',') as Array<'csv' | 'ndjson' | 'json'>
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const es = createEs(config.elasticsearchUrl)

const noJobs: ExportJobs = {
  enqueue: async () => { throw new Error('the benchmark streams every export') },
  get: async () => undefined,
  finished: async () => [],
  remove: async () => undefined
}
const reader = new EventsExportReader(es, config.indexPrefix)
const service = new ExportService({ open: async () => await reader.open(), files: new ExportFiles('/dev/null'), jobs: noJobs }, { syncMax: Number.MAX_SAFE_INTEGER, reportMax: 1, ttlHours: 1 })
const MB = 1024 * 1024

async function run (format: 'csv' | 'ndjson' | 'json'): Promise<void> {
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
  console.log(`${format.padEnd(7)} ${started.total.toLocaleString('en-US')} rows in ${seconds.toFixed(1)} s: ${rate.toLocaleString('en-US')} rows/s, ` +
    `${(bytes / MB).toFixed(0)} MiB written; peak RSS ${(rss / MB).toFixed(0)} MiB, peak heap used ${(heap / MB).toFixed(0)} MiB`)
}

try {
  await ensureDataset(es, config, TOTAL, s => console.log(s))
  console.log(`export of ${TOTAL.toLocaleString('en-US')} events into /dev/null, in process (Node ${process.version})`)
  for (const format of FORMATS) await run(format)
} finally {
  await es.close()
}
