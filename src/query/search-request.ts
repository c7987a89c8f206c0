import { type Static, Type } from '@sinclair/typebox'
import { Filters } from './filters.ts'

/** A cursor's longest text: GET routes take it in the query string (see search/cursor.ts for its size). */
export const MAX_CURSOR_CHARS = 12_000

export const SortSpec = Type.Object({
  field: Type.String({ minLength: 1, maxLength: 100, description: 'A keyword, date, number or ip field; `time` and `importance` are short names' }),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' }))
}, { additionalProperties: false })

export const MAX_PAGE = 1000

/** A search: filters and KQL combine with AND. A follow-up page sends only the cursor. */
export const SearchRequest = Type.Object({
  filters: Type.Optional(Filters),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL, such as event.action:login and not event.outcome:success' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for dates and date math in the KQL query' })),
  sort: Type.Optional(Type.Array(SortSpec, { maxItems: 3, description: 'Default: time, newest first; ties are broken in a stable order' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 50 })),
  fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, description: 'Projection: only these fields (and event.id, @timestamp) are returned' })),
  highlight: Type.Optional(Type.Boolean({ description: 'Mark free-text matches in message and reason' })),
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_CHARS, description: 'From the previous page; sent alone' }))
}, { additionalProperties: false, $id: 'SearchRequest' })
export type SearchRequest = Static<typeof SearchRequest>

export const SearchHit = Type.Object({
  id: Type.String(),
  event: Type.Record(Type.String(), Type.Unknown(), { description: 'The stored event (or its projection)' }),
  highlight: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String())))
})

export const SearchResponse = Type.Object({
  total: Type.Integer({ description: 'Matching events when the search started' }),
  events: Type.Array(SearchHit),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Send it back for the next page; null on the last page' }),
  took_ms: Type.Integer(),
  partial: Type.Boolean({ description: 'true when some shards did not answer (a lost node held their only copy, or they failed or timed out): events may be missing from this page and from total' }),
  failed_shards: Type.Integer({ minimum: 0, description: 'Shards that did not answer this page; 0 when it is complete' })
}, { $id: 'SearchResponse' })
export type SearchResponse = Static<typeof SearchResponse>
export type SearchHit = Static<typeof SearchHit>
