import type { Es } from './elasticsearch.ts'
import { VersionedDocs } from './versioned-docs.ts'
import type { StoredWebhook } from '../notify/webhook-schema.ts'

export const webhooksIndex = (prefix: string): string => `${prefix}-system-webhooks`

/** Webhooks per tenant, with their signing secrets (not indexed, never listed by the API). */
export function webhooksStore (es: Es, prefix: string): VersionedDocs<StoredWebhook> {
  return new VersionedDocs<StoredWebhook>(es, webhooksIndex(prefix), {
    dynamic: false,
    properties: {
      name: { type: 'keyword' }, tenant: { type: 'keyword' }, enabled: { type: 'boolean' }, url: { type: 'keyword', index: false },
      secret: { type: 'keyword', index: false }, created_at: { type: 'date' }, updated_at: { type: 'date' }
    }
  })
}
