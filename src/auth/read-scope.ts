import type { estypes } from '@elastic/elasticsearch'

/**
 * What a caller may see: one tenant (or every tenant, for platform administrators) and whether personal
 * data is masked. Every read of events adds `tenantClauses` to its query; there is no other way in.
 */
export interface ReadScope {
  tenant: string | null
  masked: boolean
}

/** The scope of internal jobs and platform administrators. */
export const PLATFORM_SCOPE: ReadScope = { tenant: null, masked: false }

export function tenantClauses (scope: ReadScope): estypes.QueryDslQueryContainer[] {
  return scope.tenant === null ? [] : [{ term: { 'audit.tenant': scope.tenant } }]
}
