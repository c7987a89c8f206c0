import type { Filters } from '../../api/types.ts'

/** A saved search as the API returns it (GET /v1/saved-searches). */
export interface SavedSearch {
  id: string
  name: string
  description?: string
  query?: string
  filters?: Filters & { tenant?: string[] }
  timeRange?: { from: string, to?: string, timeZone?: string }
  columns?: string[]
  sort?: Array<{ field: string, order: 'asc' | 'desc' }>
  grouping?: { by: string, interval?: string }
  shared: boolean
  owner: string
  tenant: string | null
  created_at: string
  updated_at: string
  version: string
}

/** What is written back: the search without what the server keeps (id, owner, dates, version). */
export type SavedSearchInput = Omit<SavedSearch, 'id' | 'owner' | 'tenant' | 'created_at' | 'updated_at' | 'version'>

/** The answer of a Kibana import: every search imported, or a 400 with each problem by line. */
export interface KibanaImport {
  imported: Array<{ sourceId: string, id: string, name: string, notes: string[] }>
  skipped: Array<{ sourceId: string, type: string, reason: string }>
}
