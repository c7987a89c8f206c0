import type { KeyObject } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { IntegrityService } from '../integrity/integrity-service.ts'
import { IntegrityStore } from '../store/integrity-store.ts'
import { CheckpointFile } from '../integrity/checkpoint-file.ts'
import { signingKeyFor } from '../integrity/signing-key.ts'
import { ExportService } from '../export/export-service.ts'
import { EventsExportReader } from '../store/events-export.ts'
import { ExportFiles } from '../store/export-files.ts'
import { BullExportJobs, createExportsQueue } from '../indexer/export-worker-jobs.ts'

/** The pieces the API and the worker build alike, built in one place so both see the same ones. */

export async function loadSigningKey (config: Config, log?: Logger): Promise<KeyObject> {
  return await signingKeyFor(config.signingKey, config.checkpointFile, (details, message) => log?.warn(details, message))
}

export function integrityServiceFor (config: Config, es: Es, signingKey: KeyObject): IntegrityService {
  return new IntegrityService(new IntegrityStore(es, config.indexPrefix), new CheckpointFile(config.checkpointFile, config.indexPrefix), signingKey, { prefix: config.indexPrefix, days: config.retentionDays })
}

/** Exports read through their own point-in-time reader and hand large jobs to the `exports` queue. */
export function exportServiceFor (config: Config, es: Es, redis: Redis, proofs?: IntegrityService): { exports: ExportService, queue: ReturnType<typeof createExportsQueue> } {
  const queue = createExportsQueue(redis, config.queuePrefix)
  const reader = new EventsExportReader(es, config.indexPrefix)
  const exports = new ExportService({ open: async () => await reader.open(), files: new ExportFiles(config.exports.dir), jobs: new BullExportJobs(queue), ...(proofs === undefined ? {} : { proofs }) }, config.exports)
  return { exports, queue }
}
