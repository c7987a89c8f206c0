import { api, ApiError } from './client.ts'
import type { SearchResponse, StoredEvent } from './types.ts'
import { kqlPhrase } from './kql.ts'

/**
 * One whole event by its id. Tenants may use the same id: a key that sees several of them holding it is
 * answered 409, and the event is then searched for within the tenant the caller read it in.
 */
export async function fetchEvent (id: string, tenant: string | undefined, signal: AbortSignal): Promise<StoredEvent> {
  try {
    return await api<StoredEvent>(`/v1/events/${encodeURIComponent(id)}`, { signal })
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 409) || tenant === undefined) throw err
    const found = await api<SearchResponse>('/v1/events/search', { body: { filters: { tenant: [tenant] }, query: `event.id:${kqlPhrase(id)}`, size: 1 }, signal })
    const event = found.events[0]?.event
    if (event === undefined) throw err
    return event
  }
}
