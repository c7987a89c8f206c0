import type { ReadScope } from '../../auth/read-scope.ts'
import type { Level } from '../../events/schema.ts'
import type { EntitiesStore } from '../../store/entities-store.ts'
import type { RiskyUser } from '../ranking-schema.ts'
import { entityQuery, first } from './entity-query.ts'

const num = (fields: Record<string, unknown[]>, name: string): number | undefined => {
  const v = fields[name]?.[0]
  return v === undefined ? undefined : typeof v === 'number' ? v : Number.isNaN(Number(v)) ? Date.parse(String(v)) : Number(v)
}

/**
 * Users with the most events at the given importance levels, from the counts each user's entity keeps (exact:
 * every user with such events is read, not an estimate per partition).
 */
export async function riskyFromEntities (store: EntitiesStore, scope: ReadScope, levels: readonly Level[], size: number): Promise<{ total: number, users: RiskyUser[], complete: boolean, exact: boolean }> {
  const all: Array<RiskyUser & { tenant: string }> = []
  let total = 0
  const query = entityQuery(scope, 'user', { bool: { should: levels.map(l => ({ range: { [`levels.${l}`]: { gte: 1 } } })), minimum_should_match: 1 } })
  const fields = ['tenant', 'key', ...levels.flatMap(l => [`levels.${l}`, `level_last.${l}`, `level_max.${l}`])]
  await store.walk(query, fields, hits => {
    for (const h of hits) {
      const byLevel: Record<string, number> = {}
      let events = 0
      let maxScore = Number.NEGATIVE_INFINITY
      let lastSeen = Number.NEGATIVE_INFINITY
      for (const l of levels) {
        const n = num(h.fields, `levels.${l}`) ?? 0
        if (n === 0) continue
        byLevel[l] = n
        events += n
        maxScore = Math.max(maxScore, num(h.fields, `level_max.${l}`) ?? maxScore)
        lastSeen = Math.max(lastSeen, num(h.fields, `level_last.${l}`) ?? lastSeen)
      }
      total += events
      all.push({ tenant: first(h.fields, 'tenant'), userId: first(h.fields, 'key'), events, byLevel, maxScore, lastSeen: new Date(lastSeen).toISOString() })
    }
  })
  all.sort((a, b) => b.events - a.events || b.maxScore - a.maxScore || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0) || (a.tenant < b.tenant ? -1 : 1))
  return { total, users: all.slice(0, size).map(({ tenant: _tenant, ...u }) => u), complete: all.length <= size, exact: true }
}
