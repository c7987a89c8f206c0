import { canonicalize } from './canonical.ts'
import { leafHash, leafHashHex } from './merkle.ts'

/** The leaf hash of a stored event: SHA-256(0x00 || canonical JSON of the document as Elasticsearch keeps it). */
export function eventLeaf (source: unknown): Buffer {
  return leafHash(canonicalize(source))
}

/**
 * Tenant and leaf of an event as queued: the queued JSON is already canonical and is what Elasticsearch keeps
 * as the source, so it is hashed as it is, without parsing it again.
 */
export function queuedLeaf (event: { tenant: string, json: string }): { tenant: string, leaf: string } {
  return { tenant: event.tenant, leaf: leafHashHex(event.json) }
}

export function tenantOf (event: unknown): string {
  const tenant = (event as { audit?: { tenant?: unknown } } | null)?.audit?.tenant
  if (typeof tenant !== 'string' || tenant === '') throw new Error('the event has no audit.tenant')
  return tenant
}
