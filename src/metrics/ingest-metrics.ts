import { Counter, type Registry } from 'prom-client'

export const INGEST_OUTCOMES = ['accepted', 'invalid', 'unauthorized', 'forbidden', 'conflict', 'too_large', 'throttled', 'unavailable', 'error'] as const
export type IngestOutcome = typeof INGEST_OUTCOMES[number]

/** The outcome of an ingest request from its HTTP status. */
export function ingestOutcome (status: number): IngestOutcome {
  switch (status) {
    case 202: return 'accepted'
    case 400: return 'invalid'
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 409: return 'conflict'
    case 413: return 'too_large'
    case 429: return 'throttled'
    case 503: return 'unavailable'
    default: return 'error'
  }
}

/** How many events a request body carries (one event, a bare array, or `{ events: [...] }`), without looking inside them. */
export function eventsInBody (body: unknown): number {
  if (Array.isArray(body)) return body.length
  if (body === null || typeof body !== 'object') return 0
  const events = (body as { events?: unknown }).events
  return Array.isArray(events) ? events.length : 1
}

/** Ingest series of the API: counted once per request, never per event. */
export class IngestMetrics {
  readonly requests: Counter<'outcome'>
  readonly events: Counter<'outcome'>
  readonly validationErrors: Counter

  constructor (registry: Registry) {
    const registers = [registry]
    this.requests = new Counter({ name: 'sillage_ingest_requests_total', help: 'Ingest requests (POST /v1/events) by outcome', labelNames: ['outcome'], registers })
    this.events = new Counter({ name: 'sillage_ingest_events_total', help: 'Events in ingest requests by the outcome of their request', labelNames: ['outcome'], registers })
    this.validationErrors = new Counter({ name: 'sillage_ingest_validation_errors_total', help: 'Field errors reported in 400 answers to ingest requests (each names an event and a path)', registers })
    // Every outcome is present from the start, so rates work before the first of each kind.
    for (const outcome of INGEST_OUTCOMES) { this.requests.inc({ outcome }, 0); this.events.inc({ outcome }, 0) }
  }

  record (status: number, events: number, fieldErrors: number): void {
    const outcome = ingestOutcome(status)
    this.requests.inc({ outcome })
    if (events > 0) this.events.inc({ outcome }, events)
    if (fieldErrors > 0) this.validationErrors.inc(fieldErrors)
  }
}
