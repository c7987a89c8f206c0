import type { BulkItemResult } from '../store/bulk.ts'

export type ItemOutcome = 'written' | 'exists' | 'retry' | 'reject'

/**
 * What one bulk item means for the event: 409 says a document is already stored under its `_id` (a duplicate
 * only if it records the same event: the caller compares); 429 and 5xx are passing troubles worth retrying;
 * any other refusal is about the document itself.
 */
export function itemOutcome (item: BulkItemResult): ItemOutcome {
  if (item.status >= 200 && item.status < 300) return 'written'
  if (item.status === 409) return 'exists'
  if (item.status === 429 || item.status >= 500) return 'retry'
  return 'reject'
}
