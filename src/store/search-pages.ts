import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'

/*
 * Every read that pages with `search_after` goes through here: one page at a cursor a client holds
 * (`searchPage`), or a walk to the end (`searchPages`, `afterPages`). Shard failures stay the caller's: its
 * point in time says whether a missing shard refuses the search (`allow_partial_search_results`), shards still
 * starting are waited for by the client's transport (shard-wait.ts), and `searchPage` returns the whole
 * response so that a caller can report `_shards.failed` (the search results do); nothing here adds a check.
 */

type Cursor = estypes.SortResults

/**
 * For reads whose answer stands for every matching event (counts, groups, scans, exports, rule and rebuild
 * reads): a shard that fails (a lost node held its only copy, a circuit breaker, a partition mapped otherwise)
 * refuses the whole request, so the caller gets an error to retry rather than a 200 that silently lacks that
 * shard's events. Searches a person pages through answer instead, and say `partial`.
 */
export const WHOLE = { allow_partial_search_results: false } as const

/** A point in time held across requests: each response may carry a newer id, which the next request uses. */
export interface PointInTime { id: string, keepAlive: string }

/** One page of a walk: its items, the sort values of its last item, and whether it came back full. */
export interface AfterPage<T> { items: T[], last: Cursor | undefined, full: boolean }

export interface AfterPagesOptions<T> {
  /** Whether another page follows this one; by default while pages come back full. */
  more?: (page: AfterPage<T>) => boolean
  /** Request the next page before handing over this one, so the reader and Elasticsearch work at once. */
  prefetch?: boolean
}

/** The caller's search for one page: over the point in time when given, after the cursor when given. */
export function pageRequest (request: estypes.SearchRequest, after?: Cursor, pit?: PointInTime): estypes.SearchRequest {
  return {
    ...request,
    ...(pit === undefined ? {} : { pit: { id: pit.id, keep_alive: pit.keepAlive } }),
    ...(after === undefined ? {} : { search_after: after })
  }
}

/**
 * Pages from `fetch`, each after the last item of the one before, until `more` says stop. Empty pages are
 * not handed over (a walk may still go on past one); a page with no items keeps the previous cursor.
 */
export async function * afterPages<T> (fetch: (after: Cursor | undefined) => Promise<AfterPage<T>>, opts: AfterPagesOptions<T> = {}): AsyncGenerator<T[]> {
  const more = opts.more ?? (page => page.full)
  let after: Cursor | undefined
  let pending: Promise<AfterPage<T>> | undefined = fetch(after)
  try {
    while (pending !== undefined) {
      const page: AfterPage<T> = await pending
      pending = undefined
      after = page.last ?? after
      const next = more(page)
      if (next && opts.prefetch === true) {
        pending = fetch(after)
        // If the reader stops on this page, the prefetch must not become an unhandled rejection.
        pending.catch(() => undefined)
      }
      if (page.items.length > 0) yield page.items
      if (next && opts.prefetch !== true) pending = fetch(after)
    }
  } finally {
    await pending?.catch(() => undefined)
  }
}

export interface SearchPage<T> {
  hits: Array<estypes.SearchHit<T>>
  response: estypes.SearchResponse<T>
  /** Where the next page starts: the last hit's sort values when the page is full, undefined at the end. */
  next: Cursor | undefined
}

/** One page of `request` after `after`; over `pit` when given, whose id follows the response. */
export async function searchPage<T> (es: Es, request: estypes.SearchRequest & { size: number }, opts: { after?: Cursor, pit?: PointInTime } = {}): Promise<SearchPage<T>> {
  const response = await es.search<T>(pageRequest(request, opts.after, opts.pit))
  if (opts.pit !== undefined) opts.pit.id = response.pit_id ?? opts.pit.id
  const hits = response.hits.hits
  return { hits, response, next: hits.length === request.size ? hits.at(-1)?.sort : undefined }
}

export interface SearchPagesOptions {
  /** A point in time the caller holds (its id is kept current); it stays open. */
  pit?: PointInTime
  /** A point in time opened for this walk alone and closed when the walk ends or its reader stops. */
  openPit?: estypes.OpenPointInTimeRequest & { keep_alive: string }
  /** Size of each next page, asked before each request (a walk bounded by a limit asks for one past it). */
  size?: () => number
}

/** Every hit of `request` in its sort order (which must be unique), a page at a time. */
export async function * searchPages<T> (es: Es, request: estypes.SearchRequest & { size: number }, opts: SearchPagesOptions = {}): AsyncGenerator<Array<estypes.SearchHit<T>>> {
  const own = opts.openPit === undefined ? undefined : { id: (await es.openPointInTime(opts.openPit)).id, keepAlive: opts.openPit.keep_alive }
  const pit = own ?? opts.pit
  try {
    yield * afterPages(async after => {
      const size = opts.size?.() ?? request.size
      const { hits } = await searchPage<T>(es, { ...request, size }, { ...(after === undefined ? {} : { after }), ...(pit === undefined ? {} : { pit }) })
      return { items: hits, last: hits.at(-1)?.sort, full: hits.length === size }
    })
  } finally {
    if (own !== undefined) await es.closePointInTime({ id: own.id }, { ignore: [404] })
  }
}
