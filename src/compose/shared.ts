import { createPublicKey, type KeyObject } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { IntegrityService } from '../proofs/integrity-service.ts'
import { IntegrityStore } from '../store/integrity/integrity-store.ts'
import { CheckpointFile } from '../integrity/checkpoint-file.ts'
import { signingKeyFor } from '../integrity/signing-key.ts'
import { parsePublicKey, TrustedKeys } from '../integrity/trusted-keys.ts'
import { ExportService } from '../export/export-service.ts'
import { EventsExportReader } from '../store/events/events-export.ts'
import { ExportFiles } from '../store/events/export-files.ts'
import { BullExportJobs, type ExportJobsQueue } from '../export/bull-export-jobs.ts'
import { createExportsQueue } from '../queue/exports-queue.ts'
import type { ExportJobData, ExportJobResult } from '../export/jobs.ts'
import { StoredSecrets } from '../store/system/stored-secrets.ts'
import { Retirements } from '../store/events/retirements.ts'
import type { ReceiverRules } from '../validation/receiver-address.ts'

/** The pieces the API and the worker build alike, built in one place so both see the same ones. */

/** Where a development key's warning goes (a logger, or the CLI's standard error). */
export interface Warn { warn: (details: object, message: string) => void }

export async function loadSigningKey (config: Config, log?: Warn): Promise<KeyObject> {
  return await signingKeyFor(config.signingKey, config.checkpointFile, (details, message) => log?.warn(details, message))
}

/** The signing key's public key, or with none configured and SILLAGE_VERIFY_KEYS set, the first of those: a reader needs no private key. */
export async function trustedKeysFor (config: Config, log?: Warn, signingKey?: KeyObject): Promise<TrustedKeys> {
  const verify = config.verifyKeys.map(parsePublicKey)
  const [first, ...rest] = verify
  if (signingKey === undefined && config.signingKey === undefined && first !== undefined) return new TrustedKeys(first, rest)
  return new TrustedKeys(createPublicKey(signingKey ?? await loadSigningKey(config, log)), verify)
}

export function integrityServiceFor (config: Config, es: Es, keys: TrustedKeys): IntegrityService {
  const retirements = new Retirements(es, config.indexPrefix)
  return new IntegrityService(new IntegrityStore(es, config.indexPrefix), new CheckpointFile(config.checkpointFile, config.indexPrefix), keys, {
    among: async (indices, now) => await retirements.among(indices, config.retentionDays, now)
  })
}

/** Exports read through their own point-in-time reader and hand large jobs to the `exports` queue. */
export function exportServiceFor (config: Config, es: Es, redis: Redis, proofs?: IntegrityService): { exports: ExportService, queue: ExportJobsQueue } {
  const queue = createExportsQueue<ExportJobData, ExportJobResult>(redis, config.queuePrefix)
  const reader = new EventsExportReader(es, config.indexPrefix)
  const exports = new ExportService({ open: async () => await reader.open(), files: new ExportFiles(config.exports.dir), jobs: new BullExportJobs(queue), ...(proofs === undefined ? {} : { proofs }) }, config.exports)
  return { exports, queue }
}

/** The keys that seal and open the secrets the service keeps (webhook secrets, stream tokens). */
export const storedSecretsFor = (config: Config): StoredSecrets => new StoredSecrets(config.secretsKey, config.secretsKeyPrevious)

/** Receivers inside the service's own networks that webhooks may target, as the operator allows. */
export const webhookReceivers = (config: Config): ReceiverRules => ({ loopback: config.watch.webhookAllowLoopback, private: config.receiversAllowPrivate })

/** Receivers inside the service's own networks that log streams may target, as the operator allows. */
export const streamReceivers = (config: Config): ReceiverRules => ({ loopback: config.streams.allowLoopback, private: config.receiversAllowPrivate })
