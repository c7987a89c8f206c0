import { canonicalize } from './canonical.ts'
import { leafHash } from './merkle.ts'

/** The leaf hash of a stored event: SHA-256(0x00 || canonical JSON of the document as Elasticsearch keeps it). */
export function eventLeaf (source: unknown): Buffer {
  return leafHash(canonicalize(source))
}

/** Tenant and leaf of an event as queued (the JSON sent to `_bulk`, which Elasticsearch keeps as the source). */
export function queuedLeaf (json: string): { tenant: string, leaf: string } {
  const event = JSON.parse(json) as { audit?: { tenant?: unknown } }
  return { tenant: tenantOf(event), leaf: eventLeaf(event).toString('hex') }
}

export function tenantOf (event: unknown): string {
  const tenant = (event as { audit?: { tenant?: unknown } } | null)?.audit?.tenant
  if (typeof tenant !== 'string' || tenant === '') throw new Error('the event has no audit.tenant')
  return tenant
}
