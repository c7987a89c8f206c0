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
