import { Counter, Histogram, type Registry } from 'prom-client'
import { CappedLabel } from './registry.ts'

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]
const DOC_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000]

/** Series of the worker's write path, each updated once per bulk or per job. */
export class IndexerMetrics {
  readonly bulkSeconds: Histogram
  readonly bulkDocuments: Histogram
  readonly bulkFailures: Counter
  readonly itemsRetried: Counter
  readonly indexed: Counter<'outcome'>
  readonly deadLetters: Counter<'error_type'>
  readonly jobRetries: Counter<'queue'>
  readonly jobsFailed: Counter<'queue'>
  readonly indexingLag: Histogram
  readonly exportJobs: Counter<'outcome'>
  private readonly errorTypes = new CappedLabel(20)

  constructor (registry: Registry) {
    const registers = [registry]
    this.bulkSeconds = new Histogram({ name: 'sillage_bulk_duration_seconds', help: 'Duration of _bulk requests of events', buckets: LATENCY_BUCKETS, registers })
    this.bulkDocuments = new Histogram({ name: 'sillage_bulk_documents', help: 'Documents per _bulk request of events', buckets: DOC_BUCKETS, registers })
    this.bulkFailures = new Counter({ name: 'sillage_bulk_failures_total', help: '_bulk requests that failed whole (Elasticsearch unreachable, timeout)', registers })
    this.itemsRetried = new Counter({ name: 'sillage_bulk_items_retried_total', help: 'Bulk items answered 429 or 5xx, to be sent again', registers })
    this.indexed = new Counter({ name: 'sillage_indexed_events_total', help: 'Events settled by the worker: written, duplicate (already stored) or dead_lettered', labelNames: ['outcome'], registers })
    this.deadLetters = new Counter({ name: 'sillage_dead_letters_total', help: 'Events refused by Elasticsearch or clashing with a stored id, written to the dead-letter index, by error type (at most 20 types, then other)', labelNames: ['error_type'], registers })
    this.jobRetries = new Counter({ name: 'sillage_job_retries_total', help: 'Queue jobs that failed an attempt and will be retried', labelNames: ['queue'], registers })
    this.jobsFailed = new Counter({ name: 'sillage_jobs_failed_total', help: 'Queue jobs that exhausted their attempts (kept in Redis for a replay)', labelNames: ['queue'], registers })
    this.indexingLag = new Histogram({ name: 'sillage_indexing_lag_seconds', help: 'From ingest (the job entering the queue, event.ingested) to its events being stored; searchable within the 1 s refresh after', buckets: LAG_BUCKETS, registers })
    this.exportJobs = new Counter({ name: 'sillage_export_jobs_total', help: 'Background export jobs finished, by outcome', labelNames: ['outcome'], registers })
    for (const outcome of ['written', 'duplicate', 'dead_lettered']) this.indexed.inc({ outcome }, 0)
    for (const outcome of ['completed', 'failed']) this.exportJobs.inc({ outcome }, 0)
  }

  deadLettered (errorTypes: readonly string[]): void {
    const counts = new Map<string, number>()
    for (const t of errorTypes) counts.set(t, (counts.get(t) ?? 0) + 1)
    for (const [t, n] of counts) this.deadLetters.inc({ error_type: this.errorTypes.of(t) }, n)
  }

  /** A job attempt failed: retried later, or for good when no attempt is left. */
  jobFailed (queue: string, attemptsMade: number, attempts: number): void {
    if (attemptsMade >= attempts) this.jobsFailed.inc({ queue })
    else this.jobRetries.inc({ queue })
  }
}
