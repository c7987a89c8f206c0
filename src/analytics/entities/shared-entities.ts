import type { ReadScope } from '../../auth/read-scope.ts'
import type { EntitiesStore } from '../../store/events/entities-store.ts'
import type { Bounds, EventsScanner } from '../../store/events/events-scan.ts'
import { and, type Query } from '../behaviour/request.ts'
import { evidenceOf, MAX_EVIDENCE, type Signal } from '../signals/common.ts'
import { SHARED_FIELDS, type SharedFigure } from '../signals/shared-keys.ts'
import type { Source } from './source.ts'
import { entityQuery } from './entity-query.ts'

interface Hit { tenant: string, key: string, first: number, last: number, users?: string[], users_more?: boolean, user_count?: number }
interface CountBucket { key: string | number, key_as_string?: string, t?: { buckets: Array<{ key: string, doc_count: number }> } }

/**
 * Devices or addresses with at least `minUsers` users, from the entity store: each one's users are kept there
 * exactly (up to 1,000), so candidates are exact, most users first. Event counts and evidence are read from
 * the events of the keys found, as the scan does.
 */
export async function sharedFromEntities (store: EntitiesStore, scanner: EventsScanner, scope: ReadScope, selection: Query, by: 'device' | 'ip', minUsers: number, size: number): Promise<{ signals: Array<Signal<SharedFigure>>, bounds: Bounds & { source: Source } }> {
  const field = SHARED_FIELDS[by]
  const r = await store.search({
    query: entityQuery(scope, by, { range: { user_count: { gte: minUsers } } }), size,
    // Ties in the order the scan gives them: by key, addresses as addresses (numerically, IPv4 first).
    sort: [{ user_count: 'desc' }, { [by === 'ip' ? 'address' : 'key']: 'asc' }, { tenant: 'asc' }], _source: ['tenant', 'key', 'first', 'last', 'users', 'users_more', 'user_count']
  })
  const hits = r.hits.hits.map(h => h._source as unknown as Hit)
  const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
  const keys = [...new Set(hits.map(h => h.key))]
  const counts = new Map<string, number>()
  if (keys.length > 0) {
    const aggs = await scanner.aggregate(and(selection, { terms: { [field]: keys } }), {
      k: { terms: { field, size: keys.length }, aggs: { t: { terms: { field: 'audit.tenant', size: 1000 } } } }
    })
    for (const b of (aggs.k as { buckets?: CountBucket[] } | undefined)?.buckets ?? []) {
      for (const t of b.t?.buckets ?? []) counts.set(`${t.key}\u0000${b.key_as_string ?? String(b.key)}`, t.doc_count)
    }
  }
  const signals: Array<Signal<SharedFigure>> = hits.map(h => {
    const users = (h.users ?? []).map(u => u.split('|')[0] as string).sort()
    const complete = h.users_more !== true
    return { key: h.key, users, figure: { users: h.user_count ?? users.length, complete, minUsers, events: counts.get(`${h.tenant}\u0000${h.key}`) ?? 0 }, evidence: [] }
  })
  // Evidence as the scan gives it: the first event of each of the key's first users, read from the key's first
  // events (its time span and event count are known here) when it has users enough to fill them.
  const samples = await scanner.samples(hits.map(h => ({
    query: and(selection, { term: { 'audit.tenant': h.tenant } }, { term: { [field]: h.key } }), size: MAX_EVIDENCE, collapse: 'user.id',
    ...((h.user_count ?? 0) >= MAX_EVIDENCE || h.users_more === true ? { span: { first: h.first, last: h.last, events: counts.get(`${h.tenant}\u0000${h.key}`) ?? 0 } } : {})
  })), [])
  signals.forEach((s, i) => { s.evidence = (samples[i] ?? []).map(x => evidenceOf(x.id, x.time, x.fields)) })
  return { signals, bounds: { scanned: hits.length, limit: size, truncated: total > hits.length, source: 'entities' } }
}
