import type { Es } from './elasticsearch.ts'
import { VersionedDocs } from './versioned-docs.ts'
import type { StoredWatchRule } from '../watch/rule-schema.ts'

export const watchRulesIndex = (prefix: string): string => `${prefix}-system-watch-rules`

/** Watch rules per tenant; the condition is kept whole but not indexed. */
export function watchRulesStore (es: Es, prefix: string): VersionedDocs<StoredWatchRule> {
  return new VersionedDocs<StoredWatchRule>(es, watchRulesIndex(prefix), {
    dynamic: false,
    properties: { name: { type: 'keyword' }, tenant: { type: 'keyword' }, enabled: { type: 'boolean' }, created_at: { type: 'date' }, updated_at: { type: 'date' } }
  })
}
