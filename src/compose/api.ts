import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { connectRedis, createRedis } from '../queue/redis.ts'
import { createEventsQueue, redisMemory } from '../queue/events-queue.ts'
import { ConflictMarks } from '../queue/conflict-marks.ts'
import { DurableAck } from '../queue/durable-ack.ts'
import { DeadLetterStore } from '../store/system/dead-letters.ts'
import { DeadLetterService } from '../ingest/dead-letter-service.ts'
import { IngestService } from '../ingest/ingest-service.ts'
import { buildApp } from '../http/app.ts'
import { enrichContext } from './enrich-context.ts'
import { exportServiceFor, integrityServiceFor, trustedKeysFor } from './shared.ts'
import { randomBytes } from 'node:crypto'
import { SearchService } from '../search/search-service.ts'
import { CursorCodec } from '../search/cursor.ts'
import { EventsReader } from '../store/events/events-read.ts'
import { KeysStore } from '../store/system/keys-store.ts'
import type { Scope } from '../auth/scopes.ts'
import { KeyService } from '../auth/key-service.ts'
import { AuthFailureThrottle, RateLimiter } from '../auth/rate-limiter.ts'
import { EagerRateLimiter } from '../auth/eager-rate-limiter.ts'
import { AccessLog, backfillAccessIds } from '../store/system/access-log.ts'
import { SavedSearchesStore } from '../store/system/saved-searches-store.ts'
import type { StoredSavedSearch } from '../saved/schema.ts'
import { SavedSearchService } from '../saved/saved-search-service.ts'
import { KibanaExchange } from '../saved/kibana-exchange.ts'
import { EventsAggregator } from '../store/events/events-aggregate.ts'
import { RulesStore } from '../store/system/rules-store.ts'
import { AggregateService } from '../analytics/aggregate-service.ts'
import { SummariesService } from '../analytics/summaries-service.ts'
import { RankingService } from '../analytics/ranking-service.ts'
import { LiveRules, RulesService, tableOf } from '../analytics/rules-service.ts'
import { EventsScanner } from '../store/events/events-scan.ts'
import { BehaviourService } from '../analytics/behaviour/behaviour-service.ts'
import { SignalsService } from '../analytics/signals/signals-service.ts'
import { EntitiesStore } from '../store/events/entities-store.ts'
import { EntitySource } from '../analytics/entities/source.ts'
import { ProfileService } from '../analytics/entities/profile.ts'
import { createSso } from '../auth/sso.ts'
import { apiMonitoring } from './monitoring.ts'
import { streamServiceFor } from './streams.ts'
import { composeAlerting } from './alerting.ts'

export interface Api { app: FastifyInstance, close: () => Promise<void> }

/** Wires the API process: queue producer, ingest service, HTTP app. Does not listen. */
export async function composeApi (config: Config, es: Es, log?: Logger): Promise<Api> {
  const redis = createRedis(config.redis, 'producer')
  await connectRedis(redis, config.redis)
  // Without a listener ioredis prints every failed reconnection; readiness and 503s already say Redis is away.
  redis.on('error', (err: Error) => log?.debug({ err: err.message }, 'Redis connection error'))
  const queue = createEventsQueue(redis, config.queuePrefix)
  const durable = config.durableAck
    ? await DurableAck.open(redis, { timeoutMs: config.durableAckTimeoutMs }).catch(async (err: unknown) => { await queue.close(); redis.disconnect(); throw err })
    : undefined
  if (durable !== undefined) log?.info({ method: durable.method }, 'durable acknowledgement: 202 once the job is on the queue\'s disk')
  const rulesStore = new RulesStore(es, config.indexPrefix)
  await rulesStore.install(config.indexReplicas)
  const liveRules = new LiveRules(async () => tableOf((await rulesStore.read())?.doc), 5000, err => log?.warn({ err }, 'importance rules refresh failed; the last table read stays in force'))
  await liveRules.start()
  const ingest = new IngestService(queue, enrichContext(config), { indexPrefix: config.indexPrefix, maxBatch: config.maxBatch, queueMaxJobs: config.queueMaxJobs, ...(config.queueMaxMemoryPercent === 0 ? {} : { memory: { read: async () => await redisMemory(redis), maxPercent: config.queueMaxMemoryPercent } }), rules: () => liveRules.current(), conflicts: new ConflictMarks(redis, config.queuePrefix), ...(durable === undefined ? {} : { durable }), ...(config.pseudonymise === undefined ? {} : { pseudonymise: config.pseudonymise }) })
  if (config.cursorSecret === undefined) log?.warn('SILLAGE_CURSOR_SECRET is not set: cursors are sealed with a per-process key and only work on this instance')
  if (config.secretsKey === undefined) log?.warn('SILLAGE_SECRETS_KEY is not set: webhook signing secrets and stream tokens are stored in clear')
  const cursors = new CursorCodec(config.cursorSecret === undefined ? randomBytes(32) : Buffer.from(config.cursorSecret))
  const search = new SearchService(new EventsReader(es, config.indexPrefix), cursors)
  const keysStore = new KeysStore<Scope>(es, config.indexPrefix)
  await keysStore.install(config.indexReplicas)
  const keys = new KeyService(keysStore)
  const rateLimiter = new EagerRateLimiter(new RateLimiter(redis, config.queuePrefix, config.rateLimitPerMinute), config.rateLimitPerMinute)
  const authThrottle = config.authFailuresPerMinute === 0 ? undefined : new AuthFailureThrottle(new RateLimiter(redis, `${config.queuePrefix}:auth-failures`, config.authFailuresPerMinute))
  const accessLog = new AccessLog(es, config.indexPrefix, err => log?.error({ err }, 'access log write failed'))
  await accessLog.install(config.indexReplicas)
  // In the background: a large log of an earlier version must not hold the start up.
  void backfillAccessIds(es, config.indexPrefix).then(n => { if (n > 0) log?.info({ records: n }, 'access records of an earlier version given their id') }, err => log?.error({ err }, 'access records not given their id; retried at the next start'))
  const savedStore = new SavedSearchesStore<StoredSavedSearch>(es, config.indexPrefix)
  await savedStore.install(config.indexReplicas)
  const entitiesStore = new EntitiesStore(es, config.indexPrefix)
  await entitiesStore.install(config.indexReplicas)
  const entities = new EntitySource(config.entities ? entitiesStore : undefined)
  const aggregator = new EventsAggregator(es, config.indexPrefix)
  const analytics = { aggregate: new AggregateService(aggregator), summaries: new SummariesService(aggregator), ranking: new RankingService(aggregator, entities), rules: new RulesService(rulesStore, liveRules) }
  const saved = new SavedSearchService(savedStore, search, analytics.aggregate)
  const kibana = new KibanaExchange(saved, config.indexPrefix)
  const scanner = new EventsScanner(es, config.indexPrefix)
  const behaviour = new BehaviourService(scanner, entities)
  const signals = new SignalsService(scanner, entities)
  const integrity = config.integrity ? integrityServiceFor(config, es, await trustedKeysFor(config, log)) : undefined
  const { exports, queue: exportsQueue } = exportServiceFor(config, es, redis, integrity)
  const sso = config.oidc === undefined ? undefined : createSso(config.oidc, config.session, redis, config.queuePrefix, (details, message) => log?.warn(details, message))
  const health = { elasticsearch: () => es.ping(), redis: () => redis.ping() }
  const monitoring = await apiMonitoring(config, redis, health)
  const streams = await streamServiceFor(config, es)
  const alerting = await composeAlerting(config, es, redis, log)
  const app = await buildApp(config, { ingest, search, analytics, behaviour, signals, profiles: new ProfileService(entities), keys, rateLimiter, ...(authThrottle === undefined ? {} : { authThrottle }), accessLog, deadLetters: new DeadLetterService(new DeadLetterStore(es, config.indexPrefix), queue, { ...(durable === undefined ? {} : { durable }), admit: async queued => { await ingest.admit(queued) }, retentionDays: config.retentionDays }), saved, kibana, exports, health, monitoring, streams, alerting, ...(integrity === undefined ? {} : { integrity }), ...(sso === undefined ? {} : { sso }) }, log)
  return {
    app,
    close: async () => {
      liveRules.stop()
      await app.close()
      await accessLog.flush()
      await queue.close()
      await exportsQueue.close()
      await alerting.close()
      await monitoring.close()
      redis.disconnect()
    }
  }
}
