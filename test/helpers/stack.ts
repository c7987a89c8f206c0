import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { pino, type Logger } from 'pino'
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import { loadConfig, type Config } from '../../src/config/config.ts'
import { createEs, type Es } from '../../src/store/elasticsearch.ts'
import { detectCapabilities, type Capabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { composeApi, type Api } from '../../src/compose/api.ts'
import { composeIndexer, type Indexer } from '../../src/compose/indexer.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'

export const KEYS = {
  ingest: 'test-ingest-key-000001',
  read: 'test-read-key-0000001',
  admin: 'test-admin-key-000001',
  // Keys bound to tenants, for isolation and masking tests.
  aIngest: 'test-a-ingest-key-0001',
  aRead: 'test-a-read-key-000001',
  aMasked: 'test-a-masked-key-0001',
  aAdmin: 'test-a-admin-key-00001',
  bRead: 'test-b-read-key-000001'
}

const KEY_ENV = [
  `${KEYS.ingest}:ingest`, `${KEYS.read}:read`, `${KEYS.admin}:admin`,
  `${KEYS.aIngest}:ingest@brand-a`, `${KEYS.aRead}:read+export@brand-a`, `${KEYS.aMasked}:read:masked@brand-a`,
  `${KEYS.aAdmin}:admin@brand-a`, `${KEYS.bRead}:read+export@brand-b`
].join(',')

/** Environment of a test stack: its own index and queue prefixes, so test files never meet. */
export function testEnv (overrides: Record<string, string> = {}): Record<string, string> {
  const prefix = `t${randomBytes(4).toString('hex')}`
  return {
    ELASTICSEARCH_URL: process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SILLAGE_API_KEYS: KEY_ENV,
    SILLAGE_INDEX_PREFIX: prefix,
    SILLAGE_QUEUE_PREFIX: prefix,
    SILLAGE_LOG_LEVEL: 'warn',
    // Webhook secrets and stream tokens sealed in the system indices, as production should run.
    SILLAGE_SECRETS_KEY: 'test-stored-secrets-key-0123456789abcdef',
    // Test files run side by side: each worker's metrics listener takes a free port.
    SILLAGE_WORKER_METRICS_PORT: '0',
    ...overrides
  }
}

export interface Stack {
  config: Config
  es: Es
  caps: Capabilities
  api: Api
  indexer?: Indexer
  /** Waits until `expected` events are searchable through the read alias. */
  waitForCount: (expected: number, timeoutMs?: number) => Promise<number>
}

/**
 * A real stack on the real engines: templates installed, API built (used through inject), and an in-process
 * indexer unless `worker: false`. Everything it made is removed in teardown. Engines that do not answer fail the test.
 */
export async function startStack (t: Test, options: { worker?: boolean, env?: Record<string, string>, log?: Logger } = {}): Promise<Stack> {
  const config = loadConfig(testEnv(options.env))
  const log = options.log ?? pino({ level: config.logLevel })
  const es = createEs(config.elasticsearchUrl)
  const caps = await detectCapabilities(es).catch((err: Error) => {
    throw new Error(`Elasticsearch at ${config.elasticsearchUrl} must be running for integration tests (npm test starts it): ${err.message}`)
  })
  await installTemplates(es, { prefix: config.indexPrefix, replicas: config.indexReplicas, retentionDays: config.retentionDays }, caps)
  // The API logs only when asked: most tests read answers, not logs.
  const api = await composeApi(config, es, options.log)
  const indexer = options.worker === false ? undefined : await composeIndexer(config, es, caps, log)

  t.teardown(async () => {
    await indexer?.close()
    await api.close()
    await cleanup(es, config)
    await es.close()
  })

  const waitForCount = async (expected: number, timeoutMs = 60_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs
    let count = -1
    while (Date.now() < deadline) {
      try {
        await es.indices.refresh({ index: eventsAlias(config.indexPrefix), ignore_unavailable: true, allow_no_indices: true })
        count = (await es.count({ index: eventsAlias(config.indexPrefix), ignore_unavailable: true, allow_no_indices: true })).count
      } catch (err) {
        // A partition the worker is creating right now has no started shard for a moment: ask again.
        if (!String((err as Error).message).includes('no_shard_available_action_exception')) throw err
      }
      if (count >= expected) return count
      await sleep(200)
    }
    return count
  }
  return { config, es, caps, api, ...(indexer === undefined ? {} : { indexer }), waitForCount }
}

/** Deletes the indices, templates, policies and queue keys of one test prefix. */
export async function cleanup (es: Es, config: Config): Promise<void> {
  const p = config.indexPrefix
  // Deletes need exact names (action.destructive_requires_name), so the prefix's indices are listed first,
  // hidden ones too (system indices are hidden).
  const indices = await es.cat.indices({ index: `${p}-*`, format: 'json', h: 'index', expand_wildcards: ['open', 'closed', 'hidden'] })
  const names = indices.flatMap(({ index }) => index === undefined ? [] : [index])
  // One request, one cluster-state update: the shared node is busy with every other test's prefix.
  if (names.length > 0) await es.indices.delete({ index: names, ignore_unavailable: true })
  await es.indices.deleteIndexTemplate({ name: `${p}-*` }, { ignore: [404] })
  await es.cluster.deleteComponentTemplate({ name: `${p}-*` }, { ignore: [404] })
  // A test on its own Sentinel or Cluster removes those with the engines it started.
  if (config.redis.kind !== 'single') return
  const redis = new Redis(config.redisUrl)
  try {
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}

export const auth = (key: string): Record<string, string> => ({ authorization: `ApiKey ${key}` })
