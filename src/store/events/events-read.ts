import { errors, type estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { eventsAlias } from './index-names.ts'
import { eventIdOfDoc } from './event-doc-id.ts'
import { ConflictError, UnavailableError } from '../../errors.ts'
import { isShardStarting, lacksStartedShards, waitingForShards } from '../shard-wait.ts'
import { searchPage } from '../search-pages.ts'

export const PIT_KEEP_ALIVE = '2m'

export interface PageQuery {
  query: estypes.QueryDslQueryContainer
  sort: estypes.SortCombinations[]
  size: number
  source?: string[]
  highlight?: estypes.SearchHighlight
  after?: unknown[]
  trackTotal: boolean
}

export interface Page {
  pit: string
  total: number
  hits: Array<{ id: string, source: Record<string, unknown>, highlight?: Record<string, string[]>, sort: unknown[] }>
  tookMs: number
  /** Shards that did not answer this page (no copy left, failed, or cut off by a timeout); 0 when it is complete. */
  failedShards: number
  timedOut: boolean
}

/** A point in time refused for shards that are missing or failed (502 or 503), not for the request itself. */
function lacksShards (err: unknown): boolean {
  if (isShardStarting(err)) return true
  return err instanceof errors.ResponseError && err.statusCode !== undefined && err.statusCode >= 500 &&
    (err.body as { error?: { type?: string } } | undefined)?.error?.type === 'search_phase_execution_exception'
}

/** Reads events through the alias; only this module talks to Elasticsearch for the read path. */
export class EventsReader {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  async openPit (): Promise<string> {
    const open = async (partial: boolean): Promise<string> => (await this.es.openPointInTime({
      index: eventsAlias(this.prefix), keep_alive: PIT_KEEP_ALIVE, ignore_unavailable: true, allow_partial_search_results: partial
    })).id
    try {
      return await open(false)
    } catch (err) {
      if (!lacksShards(err)) throw err
    }
    // A shard still missing after the transport's waits for a starting one has no copy (a lost node held the
    // only one), or its node has just gone: the point in time leaves it out rather than refusing every search,
    // and its pages count it as a failed shard.
    return await open(true)
  }

  async closePit (pit: string): Promise<void> {
    await this.es.closePointInTime({ id: pit }, { ignore: [404] })
  }

  async page (pit: string, q: PageQuery): Promise<Page> {
    const held = { id: pit, keepAlive: PIT_KEEP_ALIVE }
    const { response: r } = await searchPage<Record<string, unknown>>(this.es, {
      query: q.query,
      sort: q.sort,
      size: q.size,
      track_total_hits: q.trackTotal,
      ...(q.source === undefined ? {} : { _source: { includes: q.source } }),
      ...(q.highlight === undefined ? {} : { highlight: q.highlight })
    }, { pit: held, ...(q.after === undefined ? {} : { after: q.after as estypes.SortResults }) })
    const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
    return {
      pit: held.id,
      total,
      tookMs: r.took,
      failedShards: r._shards.failed,
      timedOut: r.timed_out,
      hits: r.hits.hits.map(h => ({
        id: eventIdOfDoc(h._id as string),
        source: h._source ?? {},
        ...(h.highlight === undefined ? {} : { highlight: h.highlight }),
        sort: h.sort ?? []
      }))
    }
  }

  /**
   * The event with this id among those the filter lets through (a tenant's, for a tenant's key). Tenants may
   * share an id: a caller who sees several tenants holding it is told to choose rather than given one at random.
   */
  async byId (id: string, filter: estypes.QueryDslQueryContainer[]): Promise<Record<string, unknown> | undefined> {
    // Not found is an answer only when every partition answered: one that did not may hold the event. A shard
    // with no started copy (a partition created a moment ago) is waited for, as other reads wait for it.
    const r = await waitingForShards(async () => await this.es.search<Record<string, unknown>>({
      index: eventsAlias(this.prefix), ignore_unavailable: true, size: 2, query: { bool: { filter: [{ term: { 'event.id': id } }, ...filter] } }
    }), answer => answer.hits.hits.length === 0 && lacksStartedShards(answer))
    if (r.hits.hits.length === 0 && (r._shards.failed > 0 || r.timed_out)) {
      throw new UnavailableError(`${r._shards.failed} of ${r._shards.total} partition shards did not answer, so whether event "${id}" exists cannot be told now; retry shortly`, 30)
    }
    const tenants = [...new Set(r.hits.hits.map(h => String((h._source?.audit as { tenant?: unknown } | undefined)?.tenant)))].sort()
    if (tenants.length > 1) {
      throw new ConflictError(`tenants ${tenants.map(t => `"${t}"`).join(' and ')} both hold an event with id "${id}": search for event.id:${id} with audit.tenant, or read it with that tenant's key`)
    }
    return r.hits.hits[0]?._source
  }
}
