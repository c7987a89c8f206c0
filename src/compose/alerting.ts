import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { Worker } from 'bullmq'
import type { Config } from '../config/config.ts'
import type { Es } from '../store/elasticsearch.ts'
import { watchRulesStore } from '../store/system/watch-rules-store.ts'
import { RuleRunsStore } from '../store/system/rule-runs-store.ts'
import { AlertsStore } from '../store/system/alerts-store.ts'
import { AlertKeysStore } from '../store/system/alert-keys-store.ts'
import { webhooksStore } from '../store/system/webhooks-store.ts'
import { DeliveriesStore } from '../store/system/deliveries-store.ts'
import { SavedSearchesStore } from '../store/system/saved-searches-store.ts'
import { EventsScanner } from '../store/events/events-scan.ts'
import { EventsAggregator } from '../store/events/events-aggregate.ts'
import { WatchReads } from '../store/events/watch-reads.ts'
import { createRulesQueue, RuleLocks, RuleSchedule } from '../queue/rules-queue.ts'
import { createWebhooksQueue, enqueueDeliveries } from '../queue/webhooks-queue.ts'
import { AlertService } from '../alerts/alert-service.ts'
import { WebhookNotifier } from '../notify/webhook-notifier.ts'
import { WebhookService } from '../notify/webhook-service.ts'
import { httpPost } from '../notify/http-post.ts'
import { WatchRuleService } from '../watch/rule-service.ts'
import { RuleRunner } from '../watch/rule-runner.ts'
import { ruleTimes } from '../watch/rule-check.ts'
import { SignalsService } from '../analytics/signals/signals-service.ts'
import { RiskService } from '../analytics/risk/risk-service.ts'
import { startRulesWorker } from '../indexer/rules-worker.ts'
import { startWebhooksWorker } from '../indexer/webhooks-worker.ts'
import type { StoredWatchRule } from '../watch/rule-schema.ts'
import type { RuleRun } from '../watch/run-schema.ts'
import type { StoredAlert } from '../alerts/alert-schema.ts'
import type { Delivery, StoredWebhook } from '../notify/webhook-schema.ts'
import type { StoredSavedSearch } from '../saved/schema.ts'
import { storedSecretsFor, webhookReceivers } from './shared.ts'

/** Run logs and delivery logs are kept this long (the last successful run of each rule always stays). */
export const LOG_RETENTION_DAYS = 30

/** Watch rules, alerts, webhooks and risk: the same pieces in the API and the worker. */
export interface Alerting {
  rules: WatchRuleService
  /** Raises, lists and changes alerts; the entry point for system alerts too (AlertService.raise). */
  alerts: AlertService
  webhooks: WebhookService
  risk: RiskService
  /** Runs a rule at once, in this process (tests, operations). */
  runner: RuleRunner
  /** The worker's side: rule runs and webhook deliveries. */
  startWorkers: (log: Logger) => Promise<{ close: () => Promise<void> }>
  close: () => Promise<void>
}

export async function composeAlerting (config: Config, es: Es, redis: Redis, log?: Logger): Promise<Alerting> {
  const prefix = config.indexPrefix
  const rulesStore = watchRulesStore<StoredWatchRule>(es, prefix)
  const runs = new RuleRunsStore<RuleRun>(es, prefix)
  const alertsStore = new AlertsStore<StoredAlert>(es, prefix)
  const keys = new AlertKeysStore(es, prefix)
  const hooks = webhooksStore<StoredWebhook>(es, prefix)
  const secrets = storedSecretsFor(config)
  const deliveries = new DeliveriesStore<Delivery>(es, prefix)
  for (const s of [rulesStore, runs, alertsStore, keys, hooks, deliveries]) await s.install(config.indexReplicas)
  const saved = new SavedSearchesStore<StoredSavedSearch>(es, prefix)
  const rulesQueue = createRulesQueue(redis, config.queuePrefix)
  const webhooksQueue = createWebhooksQueue(redis, config.queuePrefix, config.watch.webhookBackoffMs)
  const schedule = new RuleSchedule(rulesQueue)
  const alerts = new AlertService(alertsStore, keys, new WebhookNotifier(hooks, async jobs => { await enqueueDeliveries(webhooksQueue, jobs) }))
  const scanner = new EventsScanner(es, prefix)
  const signals = new SignalsService(scanner)
  const runner = new RuleRunner({
    rules: rulesStore, runs, locks: new RuleLocks(redis, config.queuePrefix), alerts, savedSearch: async id => await saved.get(id),
    reads: new WatchReads(es, prefix), scanner, signals, schedule, ...(log === undefined ? {} : { log })
  })
  const startWorkers = async (workerLog: Logger): Promise<{ close: () => Promise<void> }> => {
    // Redis may have lost the schedulers, or rules changed while no worker ran: make them match the stored rules.
    const stored = await rulesStore.all()
    const reconciled = await schedule.reconcile(stored.map(r => ({ id: r.id, tenant: r.tenant, enabled: r.enabled ?? true, intervalMs: ruleTimes(r).intervalMs })))
    await schedule.housekeeping()
    const housekeeping = async (): Promise<Record<string, number>> => {
      const before = new Date(Date.now() - LOG_RETENTION_DAYS * 86_400_000).toISOString()
      return { runs: await runs.prune(before), deliveries: await deliveries.prune(before) }
    }
    const rulesWorker = startRulesWorker(redis, runner, housekeeping, { prefix: config.queuePrefix, concurrency: config.watch.concurrency })
    const receivers = webhookReceivers(config)
    const hooksWorker = startWebhooksWorker(redis, { webhooks: hooks, alerts: alertsStore, deliveries, post: httpPost(config.watch.webhookTimeoutMs, receivers), secrets, receivers }, { prefix: config.queuePrefix, concurrency: config.watch.webhookConcurrency })
    for (const w of [rulesWorker.worker, hooksWorker] as Array<Pick<Worker, 'on' | 'name'>>) {
      w.on('error', err => workerLog.error({ err, queue: w.name }, 'worker error'))
      w.on('failed', (job, err) => workerLog.warn({ queue: w.name, job: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed'))
    }
    workerLog.info(reconciled, 'watch rules scheduled')
    return { close: async () => { await rulesWorker.close(); await hooksWorker.close() } }
  }
  return {
    rules: new WatchRuleService(rulesStore, runs, schedule, async id => await saved.get(id)),
    alerts,
    webhooks: new WebhookService(hooks, deliveries, secrets, { receivers: webhookReceivers(config) }),
    risk: new RiskService(signals, new EventsAggregator(es, prefix), alertsStore),
    runner,
    startWorkers,
    close: async () => {
      await rulesQueue.close()
      await webhooksQueue.close()
    }
  }
}
