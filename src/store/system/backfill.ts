import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'

/**
 * Gives each document of `index` that lacks `field` the value `valueOf` makes of it, a thousand at a time, until none
 * lacks it (none when the index does not exist yet); returns how many it gave one. Stops with an error on a document
 * the store refuses to update (a read-only index, say), rather than finding the same documents again and again.
 */
export async function backfillField<T> (es: Es, index: string, field: string, valueOf: (hit: estypes.SearchHit<T>) => string, source: string[] | false = false): Promise<number> {
  let done = 0
  for (;;) {
    const r = await es.search<T>({ index, size: 1000, _source: source, ignore_unavailable: true, allow_no_indices: true, query: { bool: { must_not: [{ exists: { field } }] } } })
    if (r.hits.hits.length === 0) return done
    const operations = r.hits.hits.flatMap(h => [{ update: { _index: index, _id: h._id as string } }, { doc: { [field]: valueOf(h) } }])
    const written = await es.bulk({ operations, refresh: 'wait_for' })
    const refused = written.items.find(i => i.update?.error !== undefined)
    if (refused !== undefined) throw new Error(`${index}: ${field} not given to document ${refused.update?._id ?? '?'}: ${JSON.stringify(refused.update?.error)}`)
    done += r.hits.hits.length
  }
}
