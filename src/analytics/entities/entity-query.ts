import type { estypes } from '@elastic/elasticsearch'
import type { ReadScope } from '../../auth/read-scope.ts'
import type { Kind } from '../../entities/model.ts'

type Query = estypes.QueryDslQueryContainer

/** Entities of one kind the caller may see: its tenant's, or every tenant's for platform keys. */
export function entityQuery (scope: Pick<ReadScope, 'tenant'>, kind: Kind, ...more: Query[]): Query {
  return { bool: { filter: [{ term: { kind } }, ...(scope.tenant === null ? [] : [{ term: { tenant: scope.tenant } }]), ...more] } }
}

/** Users of several tenants are told apart by their tenant (platform keys). */
export const userKey = (tenant: string, user: string): string => `${tenant}\u0000${user}`
