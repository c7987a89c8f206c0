import { canonicalize } from './canonical.ts'
import { leafHash, leafHashHex } from './merkle.ts'
import type { SealEntry } from './types.ts'

/** The leaf hash of a stored event: SHA-256(0x00 || canonical JSON of the document as Elasticsearch keeps it). */
export function eventLeaf (source: unknown): Buffer {
  return leafHash(canonicalize(source))
}

/**
 * The seal entry of an event just stored as queued (a QueuedEvent of the events queue): the queued JSON is
 * already canonical and is what Elasticsearch keeps as the source, so it is hashed as it is, without parsing it again.
 */
export function queuedEntry (event: { tenant: string, id: string, index: string, json: string }): SealEntry {
  return { tenant: event.tenant, id: event.id, index: event.index, leaf: leafHashHex(event.json) }
}

export function tenantOf (event: unknown): string {
  const tenant = (event as { audit?: { tenant?: unknown } } | null)?.audit?.tenant
  if (typeof tenant !== 'string' || tenant === '') throw new Error('the event has no audit.tenant')
  return tenant
}
