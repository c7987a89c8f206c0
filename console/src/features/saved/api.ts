import { api, request } from '../../api/client.ts'
import type { KibanaImport, SavedSearch, SavedSearchInput } from './types.ts'

const path = (s: SavedSearch): string => `/v1/saved-searches/${encodeURIComponent(s.id)}`
// The version read goes back in If-Match: a change made since by someone else is a 409, never overwritten.
const ifMatch = (s: SavedSearch): Record<string, string> => ({ 'if-match': `"${s.version}"` })

/** The saved-search calls of the API; updates and deletes are compare-and-set on the version read. */
export const savedApi = {
  list: async (signal?: AbortSignal): Promise<SavedSearch[]> => (await api<{ savedSearches: SavedSearch[] }>('/v1/saved-searches', { signal })).savedSearches,
  create: async (input: SavedSearchInput): Promise<SavedSearch> => await api<SavedSearch>('/v1/saved-searches', { body: input }),
  update: async (s: SavedSearch, input: SavedSearchInput): Promise<SavedSearch> => await api<SavedSearch>(path(s), { method: 'PUT', body: input, headers: ifMatch(s) }),
  remove: async (s: SavedSearch): Promise<void> => { await request(path(s), { method: 'DELETE', headers: ifMatch(s) }) },
  importKibana: async (ndjson: string): Promise<KibanaImport> => await api<KibanaImport>('/v1/saved-searches/kibana', { raw: { body: ndjson, type: 'application/x-ndjson' } }),
  exportKibana: async (): Promise<Response> => await request('/v1/saved-searches/kibana', { headers: { accept: 'application/x-ndjson' } })
}

/** The writable part of a saved search, to send back whole with one change. */
export function inputOf (s: SavedSearch): SavedSearchInput {
  const input: SavedSearchInput = { name: s.name, shared: s.shared }
  if (s.description !== undefined) input.description = s.description
  if (s.query !== undefined) input.query = s.query
  if (s.filters !== undefined) input.filters = s.filters
  if (s.timeRange !== undefined) input.timeRange = s.timeRange
  if (s.columns !== undefined) input.columns = s.columns
  if (s.sort !== undefined) input.sort = s.sort
  if (s.grouping !== undefined) input.grouping = s.grouping
  return input
}
