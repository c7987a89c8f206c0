import type { ReadScope } from '../../auth/read-scope.ts'
import type { Level } from '../../events/schema.ts'
import type { EntitiesStore } from '../../store/events/entities-store.ts'
import { riskSetName, type EntityDoc } from '../../entities/codec.ts'
import type { RiskyUser } from '../ranking-schema.ts'
import { entityQuery } from './entity-query.ts'

/**
 * Users with the most events at the given importance levels, from the counts each user's entity keeps for
 * every set of levels: one sorted search, exact (every user is counted whole, not per partition).
 */
export async function riskyFromEntities (store: EntitiesStore, scope: ReadScope, levels: readonly Level[], size: number): Promise<{ total: number, users: RiskyUser[], complete: boolean, exact: boolean }> {
  const set = `risk.${riskSetName(levels)}`
  const r = await store.search({
    query: entityQuery(scope, 'user', { range: { [`${set}.n`]: { gte: 1 } } }), size,
    sort: [{ [`${set}.n`]: 'desc' }, { [`${set}.max`]: 'desc' }, { key: 'asc' }, { tenant: 'asc' }],
    _source: ['key', 'levels', 'risk'],
    aggs: { total: { sum: { field: `${set}.n` } } }
  })
  const found = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
  const users = r.hits.hits.map(h => {
    const doc = h._source as unknown as Pick<EntityDoc, 'key' | 'levels' | 'risk'>
    const figures = doc.risk?.[riskSetName(levels)] ?? { n: 0, max: 0, last: 0 }
    const byLevel: Record<string, number> = {}
    for (const l of levels) if ((doc.levels?.[l] ?? 0) > 0) byLevel[l] = doc.levels?.[l] as number
    return { userId: doc.key, events: figures.n, byLevel, maxScore: figures.max, lastSeen: new Date(figures.last).toISOString() }
  })
  const total = Math.round((r.aggregations?.total as { value?: number } | undefined)?.value ?? 0)
  return { total, users, complete: found <= size, exact: true }
}
