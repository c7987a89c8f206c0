import type { estypes } from '@elastic/elasticsearch'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { GoneError, NotFoundError, ValidationError } from '../errors.ts'
import type { EventsReader, Page } from '../store/events/events-read.ts'
import { buildQuery } from '../query/build-query.ts'
import { openedBy, type CursorCodec, type CursorState } from './cursor.ts'
import { EVENT_FIELDS, FREE_TEXT_FIELDS } from '../query/fields.ts'
import { MAX_CURSOR_CHARS, SearchRequest, type SearchResponse } from '../query/search-request.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import { tenantClauses } from '../query/tenant-scope.ts'
import { maskEvent, maskText } from '../auth/masking.ts'
import { checkProjection, compileSort } from '../query/sort.ts'

export const HIGHLIGHT: estypes.SearchHighlight = {
  // html encoding escapes the stored text around the marks: the snippets are safe to show as they are.
  encoder: 'html',
  pre_tags: ['<mark>'],
  post_tags: ['</mark>'],
  fields: Object.fromEntries(FREE_TEXT_FIELDS.map(f => [f, { number_of_fragments: 3 }]))
}

const checkRequest = compileChecker(SearchRequest)

/** Searches over a point in time: every page of one search sees the same events, each exactly once. */
export class SearchService {
  constructor (private readonly reader: EventsReader, private readonly cursors: CursorCodec) {}

  async search (req: SearchRequest, scope: ReadScope): Promise<SearchResponse> {
    const shape = checkRequest(req, 0)
    if (shape.length > 0) throw new ValidationError(shape, 'the search is invalid')
    // A cursor is checked before anything else: another key's cursor must not touch its point in time.
    const resumed = req.cursor === undefined ? undefined : this.resume(req, scope)
    const request = resumed?.request ?? req
    const errors: FieldError[] = []
    // Every page resolves the search's date math at the first page's instant: `now-24h` must not move between pages.
    const now = resumed === undefined ? Date.now() : resumed.now
    const query = buildQuery(request, scope, errors, now)
    const sort = compileSort(request.sort, errors, scope.masked)
    const source = checkProjection(request.fields, EVENT_FIELDS.keys(), errors)
    if (errors.length > 0) throw new ValidationError(errors, 'the search is invalid')
    const size = request.size ?? 50

    const pit = resumed?.pit ?? await this.reader.openPit()
    let page: Page
    try {
      page = await this.reader.page(pit, {
        query, sort, size, trackTotal: resumed === undefined,
        ...(source === undefined ? {} : { source }),
        ...(request.highlight === true ? { highlight: HIGHLIGHT } : {}),
        ...(resumed === undefined ? {} : { after: resumed.after })
      })
    } catch (err) {
      if (resumed === undefined) await this.reader.closePit(pit)
      else if (isExpired(err)) throw new GoneError('the cursor has expired (more than 2 minutes between pages); start the search again')
      throw err
    }
    const total = resumed?.total ?? page.total
    const last = page.hits.at(-1)
    let cursor: string | null = null
    // The last page's point in time is closed without the caller waiting: one round trip less for every search
    // that fits on one page. If the close fails, the point in time expires after its keep-alive (2 minutes).
    if (page.hits.length < size || last === undefined) this.reader.closePit(page.pit).catch(() => {})
    else cursor = this.cursorFor({ owner: { keyId: scope.keyId, tenant: scope.tenant, masked: scope.masked }, request: withoutCursor(request), ...(now === undefined ? {} : { now }), pit: page.pit, after: last.sort, total }, page.pit)
    return {
      total,
      events: page.hits.map(h => scope.masked ? maskHit(h) : { id: h.id, event: h.source, ...(h.highlight === undefined ? {} : { highlight: h.highlight }) }),
      cursor,
      took_ms: page.tookMs,
      partial: page.failedShards > 0 || page.timedOut,
      failed_shards: page.failedShards
    }
  }

  async get (id: string, scope: ReadScope): Promise<Record<string, unknown>> {
    const found = await this.reader.byId(id, tenantClauses(scope))
    if (found === undefined) throw new NotFoundError(`no event with id "${id}"`)
    return scope.masked ? maskEvent(found) : found
  }

  /**
   * The next page's cursor. One the routes would refuse (longer than they take: a request with long lists of
   * values over many partitions) is refused now, before the caller holds a first page it could not continue.
   */
  private cursorFor (state: CursorState, pit: string): string {
    const cursor = this.cursors.encode(state)
    if (cursor.length <= MAX_CURSOR_CHARS) return cursor
    this.reader.closePit(pit).catch(() => {})
    throw new ValidationError([{ index: 0, path: '/', message: `is too large to page through: its cursor would hold ${cursor.length} characters, more than the ${MAX_CURSOR_CHARS} a request takes; shorten its lists of values or its query, or narrow its period` }], 'the search is invalid')
  }

  private resume (req: SearchRequest, scope: ReadScope): CursorState {
    const others = Object.keys(req).filter(k => k !== 'cursor')
    if (others.length > 0) {
      throw new ValidationError(others.map(k => ({ index: 0, path: `/${k}`, message: 'must not be sent with a cursor: the search it continues is inside the cursor' })), 'the search is invalid')
    }
    const state = this.cursors.decode(req.cursor as string)
    if (state === undefined) throw new ValidationError([{ index: 0, path: '/cursor', message: 'is not a cursor issued by this service' }], 'the search is invalid')
    if (!openedBy(state, scope)) throw new ValidationError([{ index: 0, path: '/cursor', message: 'this cursor was opened by another API key' }], 'the search is invalid')
    return state
  }
}

function maskHit (h: Page['hits'][number]): SearchResponse['events'][number] {
  const highlight = h.highlight === undefined ? undefined : Object.fromEntries(Object.entries(h.highlight).map(([f, frags]) => [f, frags.map(maskText)]))
  return { id: h.id, event: maskEvent(h.source), ...(highlight === undefined ? {} : { highlight }) }
}

function withoutCursor (req: SearchRequest): Omit<SearchRequest, 'cursor'> {
  const { cursor: _cursor, ...rest } = req
  return rest
}

function isExpired (err: unknown): boolean {
  const e = err as { meta?: { statusCode?: number }, message?: string }
  return e.meta?.statusCode === 404 || /search_context_missing|No search context found|point in time/i.test(e.message ?? '')
}
