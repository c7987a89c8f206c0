import type { Es } from '../elasticsearch.ts'
import { VersionedDocs } from './versioned-docs.ts'

export const webhooksIndex = (prefix: string): string => `${prefix}-system-webhooks`

/**
 * Webhooks per tenant (`Hook`: as the webhook service keeps them), with their signing secrets (not indexed,
 * never listed by the API).
 */
export function webhooksStore<Hook extends { tenant: string | null }> (es: Es, prefix: string): VersionedDocs<Hook> {
  return new VersionedDocs<Hook>(es, webhooksIndex(prefix), {
    dynamic: false,
    properties: {
      name: { type: 'keyword' }, tenant: { type: 'keyword' }, enabled: { type: 'boolean' }, url: { type: 'keyword', index: false },
      secret: { type: 'keyword', index: false }, created_at: { type: 'date' }, updated_at: { type: 'date' }
    }
  })
}
