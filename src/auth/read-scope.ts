import { ForbiddenError } from '../errors.ts'

/**
 * Who reads and what they may see: the key (cursors it opens work for it alone), one tenant (or every
 * tenant, for platform administrators) and whether personal data is masked. Every read of events adds
 * `tenantClauses` (query/tenant-scope.ts) to its query; there is no other way in.
 */
export interface ReadScope {
  keyId: string
  tenant: string | null
  masked: boolean
}

/** The scope of internal jobs and platform administrators' tools; no API key has this id. */
export const PLATFORM_SCOPE: ReadScope = { keyId: 'internal', tenant: null, masked: false }

/**
 * The scope narrowed to the tenant a request names: a platform key reads that tenant alone (users and sessions of
 * two tenants may share an id); a tenant's key may name its own tenant only (403 otherwise).
 */
export function withinTenant (scope: ReadScope, tenant: string | undefined): ReadScope {
  if (tenant === undefined || tenant === scope.tenant) return scope
  if (scope.tenant !== null) throw new ForbiddenError(`this API key may only read tenant "${scope.tenant}"`)
  return { ...scope, tenant }
}
