import type { Config } from '../config/config.ts'
import { GeoEnricher } from '../enrich/geo.ts'
import { DeviceEnricher } from '../enrich/device.ts'
import { DEFAULT_IMPORTANCE_RULES } from '../events/importance-rules.ts'
import type { EnrichContext } from '../ingest/ingest-service.ts'

/**
 * Enrichment for the processes that ingest. Kept apart from the shared start-up: loading it reads
 * geoip-lite's database (about 180 MB in memory), which the worker never needs.
 */
export function enrichContext (config: Config): EnrichContext {
  return {
    defaultTenant: config.defaultTenant,
    maxFutureSkewMs: config.maxFutureSkewMs,
    retentionDays: config.retentionDays,
    rules: DEFAULT_IMPORTANCE_RULES,
    geo: new GeoEnricher(config.geoCacheSize),
    device: new DeviceEnricher(config.uaCacheSize)
  }
}
