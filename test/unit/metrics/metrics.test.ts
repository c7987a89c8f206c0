import t from 'tap'
import { Registry } from 'prom-client'
import { eventsInBody, IngestMetrics, ingestOutcome } from '../../../src/metrics/ingest-metrics.ts'
import { IndexerMetrics } from '../../../src/metrics/indexer-metrics.ts'
import { CappedLabel } from '../../../src/metrics/registry.ts'
import { registerPipelineGauges } from '../../../src/metrics/pipeline-gauges.ts'

t.test('ingest outcomes and event counts come from the status and the body shape', async t => {
  t.same([202, 400, 401, 403, 409, 413, 429, 503, 500].map(ingestOutcome), ['accepted', 'invalid', 'unauthorized', 'forbidden', 'conflict', 'too_large', 'throttled', 'unavailable', 'error'])
  t.equal(eventsInBody([{}, {}]), 2)
  t.equal(eventsInBody({ events: [{}, {}, {}] }), 3)
  t.equal(eventsInBody({ event: { action: 'login' } }), 1)
  t.equal(eventsInBody(undefined), 0)
  const registry = new Registry()
  const m = new IngestMetrics(registry)
  m.record(202, 3, 0)
  m.record(400, 2, 5)
  const text = await registry.metrics()
  t.match(text, 'sillage_ingest_requests_total{outcome="accepted"} 1')
  t.match(text, 'sillage_ingest_events_total{outcome="invalid"} 2')
  t.match(text, 'sillage_ingest_validation_errors_total 5')
  t.match(text, 'sillage_ingest_requests_total{outcome="throttled"} 0', 'every outcome is present from the start')
})

t.test('labels from open sets are capped', async t => {
  const label = new CappedLabel(2)
  t.same(['a', 'b', 'c', 'a', 'd'].map(v => label.of(v)), ['a', 'b', 'other', 'a', 'other'])
  const registry = new Registry()
  const m = new IndexerMetrics(registry)
  m.deadLettered(Array.from({ length: 30 }, (_, i) => `type_${i}`))
  const text = await registry.metrics()
  t.match(text, 'sillage_dead_letters_total{error_type="other"} 10')
  m.jobFailed('events', 1, 60)
  m.jobFailed('events', 60, 60)
  const after = await registry.metrics()
  t.match(after, 'sillage_job_retries_total{queue="events"} 1')
  t.match(after, 'sillage_jobs_failed_total{queue="events"} 1')
})

t.test('pipeline gauges share one read per scrape and go empty when Redis is away', async t => {
  const registry = new Registry()
  let reads = 0
  let fail = false
  const now = 1_000_000
  registerPipelineGauges(registry, {
    integrity: true,
    now: () => now,
    workers: async () => 2,
    stats: async () => {
      reads++
      if (fail) throw new Error('down')
      return { queues: [{ queue: 'events', counts: { waiting: 3, active: 1, delayed: 0, failed: 0 }, oldestWaitingAt: now - 4500 }], lastCheckpointAt: now - 30_000 }
    }
  })
  const text = await registry.metrics()
  t.equal(reads, 1)
  t.match(text, 'sillage_queue_jobs{queue="events",state="waiting"} 3')
  t.match(text, 'sillage_queue_oldest_waiting_seconds{queue="events"} 4.5')
  t.match(text, 'sillage_integrity_last_checkpoint_age_seconds 30')
  t.match(text, 'sillage_workers_alive 2')
  t.match(text, 'sillage_pipeline_stats_up 1')
  fail = true
  await new Promise(resolve => setImmediate(resolve))
  const down = await registry.metrics()
  t.match(down, 'sillage_pipeline_stats_up 0')
  t.notMatch(down, 'sillage_queue_jobs{', 'no stale figures')
})
