import type { BulkItemResult } from '../store/bulk.ts'

export type ItemOutcome = 'written' | 'exists' | 'retry' | 'reject'

/**
 * Refusals that say nothing about the document, only about the index or the cluster right now: a block
 * (flood-stage disk watermark: 429; `index.blocks.write` or `read_only` set by an operator: 403) or a closed
 * partition. They clear once space returns or the operator lifts them, so the event waits in the queue.
 */
const PASSING = new Set(['cluster_block_exception', 'index_closed_exception'])

/**
 * What one bulk item means for the event: 409 says a document is already stored under its `_id` (a duplicate
 * only if it records the same event: the caller compares); 429, 5xx and blocks are passing troubles worth
 * retrying; any other refusal is about the document itself.
 */
export function itemOutcome (item: BulkItemResult): ItemOutcome {
  if (item.status >= 200 && item.status < 300) return 'written'
  if (item.status === 409) return 'exists'
  if (item.status === 429 || item.status >= 500) return 'retry'
  if (item.errorType !== undefined && PASSING.has(item.errorType)) return 'retry'
  return 'reject'
}
