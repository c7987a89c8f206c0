import type { EventInput } from '../events/schema.ts'
import type { Enrichment } from '../events/enrichment.ts'
import type { GeoEnricher } from './geo.ts'
import type { DeviceEnricher } from './device.ts'

/** The lookups of the processes that ingest, each with its cache. */
export interface Enrichers {
  geo: GeoEnricher
  device: DeviceEnricher
}

/** Looks up the event's address and user agent; normalisation places what was found. */
export function enrichEvent (input: EventInput, enrichers: Enrichers): Enrichment {
  const found: Enrichment = {}
  if (input.source !== undefined) {
    const location = enrichers.geo.lookup(input.source.ip)
    if (location !== undefined) found.location = location
  }
  if (input.user_agent !== undefined) found.device = enrichers.device.parse(input.user_agent.original)
  return found
}
