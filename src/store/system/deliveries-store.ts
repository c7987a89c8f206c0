import type { Es } from '../elasticsearch.ts'
import { ensureIndex } from '../system-index.ts'
import { tenantFilter } from './versioned-docs.ts'

export const deliveriesIndex = (prefix: string): string => `${prefix}-system-webhook-deliveries`

/**
 * One document per alert and webhook, under the delivery's idempotency id, read by id in real time: a
 * retried job sees at once that an earlier attempt succeeded, and sends nothing again. `Delivery` is the
 * document as the webhook service writes it.
 */
export class DeliveriesStore<Delivery extends { id: string }> {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = deliveriesIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, {
      dynamic: false,
      properties: { webhook_id: { type: 'keyword' }, tenant: { type: 'keyword' }, alert_id: { type: 'keyword' }, status: { type: 'keyword' }, created_at: { type: 'date' }, updated_at: { type: 'date' } }
    }, { replicas })
  }

  async get (id: string): Promise<Delivery | undefined> {
    const r = await this.es.get<Delivery>({ index: this.index, id }, { ignore: [404] })
    return r.found ? r._source : undefined
  }

  /**
   * Writes the delivery whole. No refresh: attempts read it by id, in real time, and the deliveries list shows it
   * within the index's periodic refresh (a second), where waiting for that refresh held up every attempt.
   */
  async put (doc: Delivery): Promise<void> {
    await this.es.index({ index: this.index, id: doc.id, document: doc })
  }

  /** Deletes finished deliveries last changed before `before` (ISO time). */
  async prune (before: string): Promise<number> {
    const r = await this.es.deleteByQuery({
      index: this.index, conflicts: 'proceed', refresh: true,
      query: { bool: { filter: [{ range: { updated_at: { lt: before } } }, { terms: { status: ['succeeded', 'failed', 'dropped'] } }] } }
    })
    return r.deleted ?? 0
  }

  /** A webhook's deliveries, newest first. */
  async list (tenant: string | null, webhookId: string, size: number, status?: string): Promise<Delivery[]> {
    const r = await this.es.search<Delivery>({
      index: this.index, size, sort: [{ created_at: 'desc' }],
      query: { bool: { filter: [tenantFilter(tenant), { term: { webhook_id: webhookId } }, ...(status === undefined ? [] : [{ term: { status } }])] } }
    })
    return r.hits.hits.map(h => h._source as Delivery)
  }
}
