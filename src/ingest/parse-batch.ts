import type { FieldError } from '../errors.ts'

/** Splits a request body into its events: `{ "events": [...] }` is a batch, any other object one event. */
export function splitBody (body: unknown, maxBatch: number): { items: unknown[] } | { errors: FieldError[] } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { errors: [{ index: 0, path: '/', message: 'the body must be one event object or { "events": [...] }' }] }
  }
  if (!('events' in body)) return { items: [body] }
  const { events, ...rest } = body as { events: unknown }
  const extra = Object.keys(rest)
  if (extra.length > 0) {
    return { errors: extra.map(k => ({ index: 0, path: `/${k}`, message: 'is not a known field of a batch (only "events")' })) }
  }
  if (!Array.isArray(events) || events.length === 0) {
    return { errors: [{ index: 0, path: '/events', message: 'must be a non-empty array of events' }] }
  }
  if (events.length > maxBatch) {
    return { errors: [{ index: 0, path: '/events', message: `holds ${events.length} events; at most ${maxBatch} per request` }] }
  }
  return { items: events }
}
