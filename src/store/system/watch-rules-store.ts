import type { Es } from '../elasticsearch.ts'
import { VersionedDocs } from './versioned-docs.ts'

export const watchRulesIndex = (prefix: string): string => `${prefix}-system-watch-rules`

/** Watch rules per tenant (`Rule`: as the watch service keeps them); the condition is kept whole but not indexed. */
export function watchRulesStore<Rule extends { tenant: string | null }> (es: Es, prefix: string): VersionedDocs<Rule> {
  return new VersionedDocs<Rule>(es, watchRulesIndex(prefix), {
    dynamic: false,
    properties: { name: { type: 'keyword' }, tenant: { type: 'keyword' }, enabled: { type: 'boolean' }, created_at: { type: 'date' }, updated_at: { type: 'date' } }
  })
}
