import type { SearchRequest } from '../../api/types.ts'

// The search API takes at most this many fields in a projection.
const MAX_FIELDS = 100

/**
 * The fields a row of the results table draws: its columns, the actor beside the action (the operator badge)
 * and the tenant (to read the whole event when the row is opened, where tenants share an event id). The API
 * adds the event's id and time. Thousands of rows are kept while the person scrolls, so each holds only
 * these, not the whole event; past the API's limit, rows are whole events.
 */
export function rowFields (columns: readonly string[]): string[] | undefined {
  const fields = new Set(columns)
  if (fields.has('event.action')) fields.add('audit.actor.type').add('audit.actor.id')
  fields.add('audit.tenant')
  return fields.size > MAX_FIELDS ? undefined : [...fields]
}

/** The table's search: the page's search, projected to what the rows draw (exports and saved searches are not). */
export function tableSearch (search: SearchRequest, columns: readonly string[]): SearchRequest {
  const fields = rowFields(columns)
  return fields === undefined ? search : { ...search, fields }
}
