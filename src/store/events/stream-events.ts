import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { searchPage } from '../search-pages.ts'

export interface StreamEvent { source: Record<string, unknown>, sort: [number, string] }

/**
 * The next events of a stream in delivery order (ingest time, then event id: unique within a tenant), after
 * `after` and ingested before `before`. The position is the last event's sort values, so a restart resumes
 * exactly after it; events arriving later with an older ingest time cannot exist below the horizon (see
 * streams/delivery-state.ts).
 */
export async function streamPage (es: Es, prefix: string, query: estypes.QueryDslQueryContainer, after: [number, string] | null, before: number, size: number): Promise<StreamEvent[]> {
  const { hits } = await searchPage<Record<string, unknown>>(es, {
    index: eventsAlias(prefix),
    ignore_unavailable: true,
    allow_no_indices: true,
    size,
    track_total_hits: false,
    query: { bool: { filter: [query, { range: { 'event.ingested': { lt: before, format: 'epoch_millis' } } }] } },
    sort: [{ 'event.ingested': { order: 'asc', unmapped_type: 'date' } }, { 'event.id': { order: 'asc', unmapped_type: 'keyword' } }]
  }, after === null ? {} : { after })
  return hits.map(h => ({ source: h._source ?? {}, sort: [Number(h.sort?.[0]), String(h.sort?.[1])] }))
}
