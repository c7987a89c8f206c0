import { LEVELS } from '../events/schema.ts'
import type { VersionedDocs } from '../store/system/versioned-docs.ts'
import type { Alert } from '../alerts/alert-schema.ts'
import type { AlertNotifier } from '../alerts/alert-service.ts'
import { deliveryId } from './signature.ts'
import type { StoredWebhook } from './webhook-schema.ts'

export interface DeliveryRequest { deliveryId: string, webhookId: string, alertId: string, tenant: string | null }

/**
 * Queues one delivery per enabled webhook of the alert's tenant whose minimum severity the alert reaches. The
 * job id is the delivery id, so queueing the same alert twice sends it once.
 */
export class WebhookNotifier implements AlertNotifier {
  constructor (private readonly webhooks: VersionedDocs<StoredWebhook>, private readonly enqueue: (jobs: DeliveryRequest[]) => Promise<void>) {}

  async alertRaised (alert: Alert): Promise<void> {
    const level = LEVELS.indexOf(alert.severity)
    const hooks = (await this.webhooks.list(alert.tenant, 'name', [{ term: { enabled: true } }])).filter(w => LEVELS.indexOf(w.minSeverity) <= level)
    await this.enqueue(hooks.map(w => ({ deliveryId: deliveryId(w.id, alert.id), webhookId: w.id, alertId: alert.id, tenant: alert.tenant })))
  }
}
