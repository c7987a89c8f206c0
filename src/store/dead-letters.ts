import { createHash } from 'node:crypto'
import type { Es } from './elasticsearch.ts'
import type { DeadLetter } from '../indexer/bulk-batcher.ts'
import type { StoredEvent } from '../events/schema.ts'
import { bulkCreate } from './bulk.ts'
import { eventDocId } from './event-doc-id.ts'
import { deadLetterIndex } from './index-names.ts'

/**
 * Stores refused events whole, with the reason. One dead letter per tenant, event id and content: the same
 * refusal met again (a retried job) is already stored (409, counted as stored), another content is kept too.
 */
export async function writeDeadLetters (es: Es, prefix: string, letters: DeadLetter[], now: () => number = Date.now): Promise<void> {
  const index = deadLetterIndex(prefix)
  const results = await bulkCreate(es, letters.map(l => {
    const raw = JSON.parse(l.event.json) as StoredEvent
    const content = createHash('sha256').update(l.event.json).digest('hex').slice(0, 16)
    return {
      index,
      id: `${eventDocId(raw.audit.tenant, l.event.id)}#${content}`,
      doc: {
        '@timestamp': new Date(now()).toISOString(),
        event_id: l.event.id,
        tenant: raw.audit.tenant,
        target_index: l.event.index,
        status: l.status,
        error_type: l.errorType,
        reason: l.reason,
        raw
      }
    }
  }))
  const failed = results.filter(r => r.status !== 409 && (r.status < 200 || r.status >= 300))
  if (failed.length > 0) throw new Error(`${failed.length} dead letters not stored: ${failed[0]?.reason ?? failed[0]?.status}`)
}
