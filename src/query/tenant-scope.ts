import type { estypes } from '@elastic/elasticsearch'

/** What a compiled query is confined to: one tenant (null: every tenant) and whether personal fields are masked. */
export interface QueryScope {
  tenant: string | null
  masked: boolean
}

/** The clauses that confine a query to the scope's tenant; every read of events adds them. */
export function tenantClauses (scope: Pick<QueryScope, 'tenant'>): estypes.QueryDslQueryContainer[] {
  return scope.tenant === null ? [] : [{ term: { 'audit.tenant': scope.tenant } }]
}
