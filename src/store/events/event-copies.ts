import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { WHOLE } from '../search-pages.ts'

/** A stored document of an event: where it is, under which `_id`, and what it holds. */
export interface StoredCopy { index: string, id: string, source: Record<string, unknown> }

const MAX_WINDOW = 10_000
const MGET_CHUNK = 1000

/**
 * A stored copy of each event (same tenant and event id, in any partition, under the `_id` of this version or
 * of earlier ones), as of the last refresh: one search over the read alias, returning the few hits there are.
 * Per tenant, a filter on `audit.tenant` and a `terms` on `event.id`; events without a copy cost a term look-up.
 */
export async function findCopies (es: Es, prefix: string, refs: ReadonlyArray<{ tenant: string, id: string }>): Promise<Array<StoredCopy | undefined>> {
  const out: Array<StoredCopy | undefined> = refs.map(() => undefined)
  const chunk = MAX_WINDOW / 2
  for (let from = 0; from < refs.length; from += chunk) {
    const part = refs.slice(from, from + chunk)
    const byTenant = new Map<string, string[]>()
    for (const r of part) {
      const ids = byTenant.get(r.tenant)
      if (ids === undefined) byTenant.set(r.tenant, [r.id])
      else ids.push(r.id)
    }
    const should: estypes.QueryDslQueryContainer[] = [...byTenant].map(([tenant, ids]) => ({ bool: { filter: [{ term: { 'audit.tenant': tenant } }, { terms: { 'event.id': ids } }] } }))
    const r = await es.search<Record<string, unknown>>({
      index: eventsAlias(prefix),
      ignore_unavailable: true,
      allow_no_indices: true,
      ...WHOLE,
      // Room for a second copy of each (stored twice by an earlier version): any copy will do.
      size: Math.min(MAX_WINDOW, part.length * 2),
      track_total_hits: false,
      query: { bool: { should, minimum_should_match: 1 } }
    })
    const found = new Map<string, StoredCopy>()
    for (const h of r.hits.hits) {
      const source = h._source as Record<string, unknown> | undefined
      const tenant = (source?.audit as { tenant?: unknown } | undefined)?.tenant
      const id = (source?.event as { id?: unknown } | undefined)?.id
      const key = `${String(tenant)}/${String(id)}`
      if (source !== undefined && !found.has(key)) found.set(key, { index: h._index, id: h._id as string, source })
    }
    part.forEach((r, i) => { out[from + i] = found.get(`${r.tenant}/${r.id}`) })
  }
  return out
}

/** Documents by partition and `_id`, realtime (visible before a refresh), in the order asked; undefined where none is stored. */
export async function getDocs (es: Es, refs: ReadonlyArray<{ index: string, id: string }>): Promise<Array<Record<string, unknown> | undefined>> {
  const out: Array<Record<string, unknown> | undefined> = []
  for (let i = 0; i < refs.length; i += MGET_CHUNK) {
    const r = await es.mget<Record<string, unknown>>({ docs: refs.slice(i, i + MGET_CHUNK).map(ref => ({ _index: ref.index, _id: ref.id })) })
    for (const d of r.docs) out.push('found' in d && d.found ? d._source : undefined)
  }
  return out
}
