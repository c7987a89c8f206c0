import { type Static, Type } from '@sinclair/typebox'
import { Filters } from '../query/filters.ts'
import { SortSpec } from '../query/search-request.ts'

export const TimeRange = Type.Object({
  from: Type.String({ maxLength: 64, description: 'ISO time or date math such as now-30d' }),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'Default now' })),
  timeZone: Type.Optional(Type.String({ maxLength: 64 }))
}, { additionalProperties: false })

export const Grouping = Type.Object({
  by: Type.String({ minLength: 1, maxLength: 100, description: 'A grouping of POST /v1/events/aggregate: date, category, action, importance, outcome, country, device, operator or a keyword field' }),
  interval: Type.Optional(Type.String({ maxLength: 16 }))
}, { additionalProperties: false })

/** What a client writes: the search itself and how it is shown. */
export const SavedSearchInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  query: Type.Optional(Type.String({ maxLength: 2000, description: 'KQL' })),
  filters: Type.Optional(Filters),
  timeRange: Type.Optional(TimeRange),
  columns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
  sort: Type.Optional(Type.Array(SortSpec, { maxItems: 3 })),
  grouping: Type.Optional(Grouping),
  shared: Type.Optional(Type.Boolean({ default: false, description: 'Visible to every reader of the tenant; private otherwise' }))
}, { additionalProperties: false, $id: 'SavedSearchInput' })
export type SavedSearchInput = Static<typeof SavedSearchInput>

/** What is stored and returned: the input plus who owns it and when it changed. */
export const SavedSearch = Type.Composite([
  Type.Omit(SavedSearchInput, ['shared']),
  Type.Object({
    id: Type.String(),
    shared: Type.Boolean(),
    owner: Type.String({ description: 'Key id of the creator' }),
    tenant: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
    version: Type.String({ description: 'Send it back on update: a stale version gets 409' })
  })
], { $id: 'SavedSearch' })
export type SavedSearch = Static<typeof SavedSearch>
export type StoredSavedSearch = Omit<SavedSearch, 'version' | 'id'>
