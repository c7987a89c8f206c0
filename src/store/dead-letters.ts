import type { Es } from './elasticsearch.ts'
import type { DeadLetter } from '../indexer/bulk-batcher.ts'
import type { StoredEvent } from '../events/schema.ts'
import { bulkCreate } from './bulk.ts'
import { deadLetterIndex } from './index-names.ts'

/** Stores refused events whole, with the reason; an event already dead-lettered (409) counts as stored. */
export async function writeDeadLetters (es: Es, prefix: string, letters: DeadLetter[], now: () => number = Date.now): Promise<void> {
  const index = deadLetterIndex(prefix)
  const results = await bulkCreate(es, letters.map(l => {
    const raw = JSON.parse(l.event.json) as StoredEvent
    return {
      index,
      id: l.event.id,
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
