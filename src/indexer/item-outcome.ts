import type { BulkItemResult } from '../store/bulk.ts'

export type ItemOutcome = 'written' | 'duplicate' | 'retry' | 'reject'

/**
 * What one bulk item means for the event: 409 is a duplicate of an event already stored (success);
 * 429 and 5xx are passing troubles worth retrying; any other refusal is about the document itself.
 */
export function itemOutcome (item: BulkItemResult): ItemOutcome {
  if (item.status >= 200 && item.status < 300) return 'written'
  if (item.status === 409) return 'duplicate'
  if (item.status === 429 || item.status >= 500) return 'retry'
  return 'reject'
}
