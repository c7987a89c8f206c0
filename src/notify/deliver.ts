import type { VersionedDocs } from '../store/system/versioned-docs.ts'
import type { StoredSecrets } from '../store/system/stored-secrets.ts'
import type { DeliveriesStore } from '../store/system/deliveries-store.ts'
import type { AlertsStore } from '../store/system/alerts-store.ts'
import type { StoredAlert } from '../alerts/alert-schema.ts'
import { HEADERS, sign } from './signature.ts'
import { webhookRecord, type Attempt, type Delivery, type StoredWebhook } from './webhook-schema.ts'
import type { DeliveryRequest } from './webhook-notifier.ts'
import { webhookUrlProblem } from './webhook-url.ts'
import type { ReceiverRules } from '../validation/receiver-address.ts'

/** Sends one request; resolves with the status, rejects when no answer came. */
export type Post = (url: string, headers: Record<string, string>, body: string) => Promise<number>

export interface DeliverDeps {
  webhooks: VersionedDocs<StoredWebhook>
  alerts: Pick<AlertsStore<StoredAlert>, 'get'>
  deliveries: DeliveriesStore<Delivery>
  post: Post
  /** Opens the signing secrets as the store keeps them (sealed with SILLAGE_SECRETS_KEY). */
  secrets: StoredSecrets
  /** SILLAGE_WEBHOOKS_ALLOW_LOOPBACK and SILLAGE_RECEIVERS_ALLOW_PRIVATE: checked again at each attempt, for webhooks made before one was turned off. */
  receivers: ReceiverRules
  clock?: { now: () => number }
}

export const EVENT_TYPE = 'alert.raised'

/** Adds an attempt and sets the status (the document is created at the first attempt); the last 50 attempts are kept. */
async function record (deliveries: DeliveriesStore<Delivery>, base: Omit<Delivery, 'attempts' | 'status' | 'updated_at'>, status: Delivery['status'], attempt: Attempt | undefined): Promise<Delivery> {
  const current = await deliveries.get(base.id)
  const doc: Delivery = {
    ...(current ?? base), status, updated_at: attempt?.at ?? new Date().toISOString(),
    attempts: [...(current?.attempts ?? []), ...(attempt === undefined ? [] : [attempt])].slice(-50)
  }
  await deliveries.put(doc)
  return doc
}

/** Thrown for an attempt that did not succeed: the queue retries it after its back-off. */
export class DeliveryFailed extends Error {}

/**
 * One attempt at one delivery. Nothing is sent when an earlier attempt succeeded (a retried job after a crash
 * between the answer and the log), or when the webhook was deleted or disabled meanwhile. The body is the
 * alert as stored now; the signature covers the timestamp and the body; the delivery id is the same on
 * every attempt, for the receiver to drop repeats.
 */
export async function deliverOnce (req: DeliveryRequest, attempt: number, final: boolean, deps: DeliverDeps): Promise<Delivery['status']> {
  const clock = deps.clock ?? Date
  const done = await deps.deliveries.get(req.deliveryId)
  if (done?.status === 'succeeded' || done?.status === 'dropped') return done.status
  const base = { id: req.deliveryId, webhook_id: req.webhookId, tenant: req.tenant, alert_id: req.alertId, event: EVENT_TYPE, created_at: done?.created_at ?? new Date(clock.now()).toISOString() }
  const hook = await deps.webhooks.get(req.webhookId)
  const alert = await deps.alerts.get(req.alertId)
  if (hook === undefined || !hook.enabled || hook.tenant !== req.tenant || alert === undefined) {
    await record(deps.deliveries, base, 'dropped', undefined)
    return 'dropped'
  }
  const { seq: _s, term: _t, ...shown } = alert
  const body = JSON.stringify({ id: req.deliveryId, type: EVENT_TYPE, created_at: alert.created_at, alert: shown })
  const started = clock.now()
  const timestamp = Math.floor(started / 1000)
  let status: number | null = null
  let error: string | null = null
  try {
    const refused = webhookUrlProblem(hook.url, deps.receivers)
    if (refused !== undefined) throw new Error(`the webhook's URL ${refused}`)
    status = await deps.post(hook.url, {
      'content-type': 'application/json',
      'user-agent': 'Sillage-Webhooks/1',
      [HEADERS.timestamp]: String(timestamp),
      // Opened here, so that a secret sealed with another key fails this webhook's attempts, with the reason.
      [HEADERS.signature]: sign(deps.secrets.open(hook.secret, webhookRecord(hook.id)), timestamp, body),
      [HEADERS.delivery]: req.deliveryId,
      [HEADERS.event]: EVENT_TYPE
    }, body)
    if (status < 200 || status > 299) error = `the receiver answered ${status}`
  } catch (err) {
    error = (err as Error).message.slice(0, 500)
  }
  const a: Attempt = { at: new Date(started).toISOString(), attempt, httpStatus: status, error, durationMs: clock.now() - started }
  if (error === null) {
    await record(deps.deliveries, base, 'succeeded', a)
    return 'succeeded'
  }
  await record(deps.deliveries, base, final ? 'failed' : 'pending', a)
  throw new DeliveryFailed(error)
}
