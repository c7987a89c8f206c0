/**
 * The verification benchmark's data set: the events of scripts/bench/dataset.ts, but recorded as a live service
 * records them: event i happens at an even step over the last 90 days and is ingested 1.5 s later, so ingestion
 * order, time order and log order agree (the read benchmarks' set is one bulk load with random times, a
 * backfill). Loaded straight through `_bulk` into its own prefix, and reused when present. `shape` adds what a
 * benchmark's own data set needs to each event (the watch benchmark's devices and home addresses).
 */
import type { Es } from '../../src/store/elasticsearch.ts'
import type { Config } from '../../src/config/config.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import { eventsAlias, partitionIndex } from '../../src/store/events/index-names.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { benchEvent } from './dataset.ts'

const SPAN = 90 * 86_400_000
const LAG = 1500

export async function ensureLiveDataset (es: Es, config: Config, total: number, log: (s: string) => void, shape = (e: Record<string, unknown>, _i: number): Record<string, unknown> => e): Promise<void> {
  const alias = eventsAlias(config.indexPrefix)
  const have = await es.count({ index: alias, ignore_unavailable: true, allow_no_indices: true }).then(r => r.count, () => 0)
  if (have === total) { log(`data set present: ${total} events under ${alias}`); return }
  if (have > 0) throw new Error(`${alias} holds ${have} events, not ${total}: delete the ${config.indexPrefix}-* indices first`)
  await installTemplates(es, { prefix: config.indexPrefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  const start = Date.now() - SPAN - 60_000
  const at = (i: number): number => start + Math.floor(i * SPAN / total)
  const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(config), { indexPrefix: config.indexPrefix, maxBatch: 1000, queueMaxJobs: 1 })
  const t0 = performance.now()
  for (let from = 0; from < total; from += 5000) {
    const inputs = Array.from({ length: Math.min(5000, total - from) }, (_, k) => shape({ ...benchEvent(from + k, 0), '@timestamp': new Date(at(from + k)).toISOString() }, from + k))
    const events = []
    for (let k = 0; k < inputs.length; k += 1000) events.push(...prepare.prepare({ events: inputs.slice(k, k + 1000) }))
    const docs = events.map((e, k) => {
      e.event.ingested = new Date(at(from + k) + LAG).toISOString()
      return { index: partitionIndex(config.indexPrefix, e.audit.retention, e['@timestamp']), id: eventDocId(e.audit.tenant, e.event.id), doc: JSON.stringify(e) }
    })
    const results = await bulkCreate(es, docs)
    if (results.some(x => x.status !== 201)) throw new Error('load refused documents')
    if ((from / 5000) % 20 === 0) log(`loaded ${from + docs.length} / ${total}`)
  }
  await es.indices.refresh({ index: alias })
  await es.indices.forcemerge({ index: alias, max_num_segments: 5 }).catch(() => undefined)
  log(`loaded ${total} events in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
}
