import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Config } from '../../src/config/config.ts'
import { KEYS } from './stack.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/**
 * The environment of a worker process joining a test stack: its engines and prefixes, small bulks and short
 * locks, so that a kill lands mid-stream and the orphaned jobs come back quickly.
 */
export function workerEnv (config: Config, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ELASTICSEARCH_URL: config.elasticsearchUrl,
    REDIS_URL: config.redisUrl,
    SILLAGE_API_KEYS: `${KEYS.ingest}:ingest`,
    SILLAGE_INDEX_PREFIX: config.indexPrefix,
    SILLAGE_QUEUE_PREFIX: config.queuePrefix,
    SILLAGE_LOG_LEVEL: 'error',
    SILLAGE_BULK_MAX_DOCS: '500',
    SILLAGE_WORKER_CONCURRENCY: '4',
    SILLAGE_WORKER_LOCK_MS: '3000',
    SILLAGE_WORKER_METRICS_PORT: '0',
    ...(config.secretsKey === undefined ? {} : { SILLAGE_SECRETS_KEY: config.secretsKey }),
    ...extra
  }
}

/** The real worker entry point, as a separate process that a test can kill. */
export function startWorker (env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
}

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise(resolve => child.once('exit', code => resolve(code)))
