import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import type { Capabilities } from '../store/capabilities.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsWorker } from '../indexer/events-worker.ts'
import { startMaintenance } from '../indexer/maintenance-worker.ts'
import { BulkBatcher, type BatcherIo, type BatcherOptions } from '../indexer/bulk-batcher.ts'
import { bulkCreate } from '../store/bulk.ts'
import { writeDeadLetters } from '../store/system/dead-letters.ts'
import { findCopies, getDocs } from '../store/events/event-copies.ts'
import { eventDocId } from '../store/events/event-doc-id.ts'
import { ConflictMarks } from '../queue/conflict-marks.ts'
import { clientFingerprint } from '../events/same-event.ts'
import { IntegrityStore } from '../store/integrity/integrity-store.ts'
import { SealingBatcher } from '../indexer/sealer-batcher.ts'
import { Sealer } from '../sealing/sealer.ts'
import { startSealing, type Sealing } from '../sealing/sealer-worker.ts'
import { startExportWorker } from '../indexer/export-worker.ts'
import { CheckpointFile } from '../integrity/checkpoint-file.ts'
import type { IntegrityService } from '../proofs/integrity-service.ts'
import { exportServiceFor, integrityServiceFor, loadSigningKey, trustedKeysFor } from './shared.ts'
import { countJobs, instrumentedIo, startWorkerWatch, type WorkerWatch } from './worker-monitoring.ts'
import { maintenanceTask } from './maintenance.ts'
import { QUEUES } from '../queue/policy.ts'
import { CLEANUP_JOB } from '../queue/exports-queue.ts'
import { workerStreams, type WorkerStreams } from './streams.ts'
import { EntitiesStore } from '../store/events/entities-store.ts'
import { DEFAULT_GRACE_MS, EntityUpdater } from '../indexer/entity-updater.ts'
import { composeAlerting, type Alerting } from './alerting.ts'
import { systemAlertsTo } from '../alerts/system-alerts.ts'
import type { RaiseSystemAlert } from '../monitor/system-alert.ts'

export interface Indexer {
  close: () => Promise<void>
  /** The integrity sealer; absent with SILLAGE_INTEGRITY=off. */
  sealing?: Sealing
  /** Metrics, heartbeat, self-watch and the worker's listener. */
  watch: WorkerWatch
  /** Watch rules, alerts and webhooks: runs rules and sends deliveries. */
  alerting: Alerting
}

/** Wires the worker process: events consumer with its bulk batcher, and the scheduled retention sweep. */
export async function composeIndexer (config: Config, es: Es, caps: Capabilities, log: Logger): Promise<Indexer> {
  const redis = createRedis(config.redis, 'worker')
  await connectRedis(redis, config.redis)
  // The self-watch reads the streams and raises through the alert service, which both start after it.
  const streams: { current?: WorkerStreams } = {}
  const systemAlerts: { current?: RaiseSystemAlert } = {}
  const watch = await startWorkerWatch(config, redis, {
    es,
    streams: async () => await streams.current?.observe() ?? [],
    forward: async alert => { await systemAlerts.current?.(alert) }
  }, log)
  const prefix = config.indexPrefix
  const marks = new ConflictMarks(redis, config.queuePrefix)
  const batcherIo: BatcherIo = instrumentedIo({
    write: async docs => await bulkCreate(es, docs),
    find: async events => await findCopies(es, prefix, events),
    get: async refs => await getDocs(es, refs),
    deadLetter: async letters => {
      log.warn({ count: letters.length, first: letters[0]?.reason }, 'events refused, dead-lettered')
      const pending = await writeDeadLetters(es, prefix, letters)
      // Ingest refuses the same clash at once when the client sends it again.
      await marks.add(letters.flatMap(l => l.stored === undefined ? [] : [{ key: eventDocId(l.event.tenant, l.event.id), fingerprint: clientFingerprint(l.stored.source) }]))
      return pending
    }
  }, watch.metrics)
  const entities = new EntitiesStore(es, prefix)
  await entities.install(config.indexReplicas)
  if (config.entities) {
    const updater = new EntityUpdater(entities, { graceMs: DEFAULT_GRACE_MS })
    batcherIo.entities = async (events, outcomes) => { await updater.apply(events, outcomes) }
  } else {
    // Events stored while it is off are missing from it: readers fall back to scans until it is rebuilt.
    await entities.setComplete(null)
    log.warn('entity store off (SILLAGE_ENTITIES=off): marked incomplete; run `npm run cli -- entities-rebuild` after turning it on')
  }
  const batcherOptions: BatcherOptions = { maxDocs: config.bulkMaxDocs, flushMs: config.bulkFlushMs, retries: 3, retryBaseMs: 250 }
  let sealing: Sealing | undefined
  let proofs: IntegrityService | undefined
  let batcher: BulkBatcher
  if (config.integrity) {
    // Stored events go to the seal queue before their ingest job completes (see SealingBatcher).
    const store = new IntegrityStore(es, prefix)
    if (config.signingKey === undefined && config.verifyKeys.length > 0) {
      // Readers configured with public keys only would reject what a development key signs.
      throw new Error('SILLAGE_VERIFY_KEYS is set but SILLAGE_SIGNING_KEY is not: the worker would sign checkpoints with a development key that readers do not trust; set SILLAGE_SIGNING_KEY')
    }
    const signingKey = await loadSigningKey(config, log)
    proofs = integrityServiceFor(config, es, await trustedKeysFor(config, log, signingKey))
    const sealer = new Sealer({ store, file: new CheckpointFile(config.checkpointFile, prefix), signingKey, log, noteOrigin: config.checkpointOrigin })
    const started = await startSealing(redis, sealer, { prefix: config.queuePrefix, checkpointMs: config.checkpointMs, lockMs: config.workerLockMs, turnMs: config.sealTurnMs }, log)
    sealing = started
    batcher = new SealingBatcher(batcherIo, batcherOptions, { enqueue: async entries => await started.enqueue(entries) })
  } else {
    batcher = new BulkBatcher(batcherIo, batcherOptions)
  }

  const worker = createEventsWorker(redis, batcher, { prefix: config.queuePrefix, concurrency: config.workerConcurrency, lockMs: config.workerLockMs })
  worker.on('error', err => log.error({ err }, 'worker error'))
  countJobs(worker, QUEUES.events.name, watch.metrics)
  worker.on('failed', (job, err) => log.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed, will retry'))

  const maintenance = await startMaintenance(redis, config.queuePrefix, config.retentionSweepMs, maintenanceTask(config, es, redis, caps, entities, log))
  // Background exports and evidence packs; packs carry inclusion proofs when the integrity chain is on.
  const { exports, queue: exportsQueue } = exportServiceFor(config, es, redis, proofs)
  const exportWorker = await startExportWorker(redis, exportsQueue, exports, { log, prefix: config.queuePrefix, concurrency: config.exports.concurrency, lockMs: config.workerLockMs, cleanupMs: config.exports.cleanupMs })
  exportWorker.on('error', err => log.error({ err }, 'export worker error'))
  exportWorker.on('failed', (job, err) => log.warn({ job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'export failed'))
  exportWorker.on('completed', job => { if (job.name !== CLEANUP_JOB) watch.metrics.exportJobs.inc({ outcome: 'completed' }) })
  exportWorker.on('failed', job => { if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)) watch.metrics.exportJobs.inc({ outcome: 'failed' }) })
  // Log streams: delivery of tenants' events to their receivers.
  streams.current = await workerStreams(config, es, redis, watch.registry, log)
  // Watch rules on their schedules, and webhook deliveries of the alerts they raise.
  const alerting = await composeAlerting(config, es, redis, log)
  systemAlerts.current = systemAlertsTo(alerting.alerts)
  const alertingWorkers = await alerting.startWorkers(log)
  log.info({ concurrency: config.workerConcurrency, ilm: caps.ilm, integrity: config.integrity }, 'indexer started')

  return {
    ...(sealing === undefined ? {} : { sealing }),
    watch,
    alerting,
    close: async () => {
      // close() lets active jobs finish (the batcher flushes their events) and takes no new ones.
      await worker.close()
      await batcher.drain()
      await sealing?.close()
      await maintenance.close()
      await exportWorker.close()
      await exportsQueue.close()
      await streams.current?.close()
      await alertingWorkers.close()
      await alerting.close()
      await watch.close()
      redis.disconnect()
    }
  }
}
