import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'

/**
 * Creates one of the service's own indices (keys, saved searches, access log…) with its mapping if it is not
 * there yet. Hidden ones stay out of wildcard searches over user data. A concurrent creation (400) is fine.
 */
export async function ensureIndex (es: Es, index: string, mappings: estypes.MappingTypeMapping, hidden = true): Promise<void> {
  if (await es.indices.exists({ index })) return
  await es.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0, ...(hidden ? { 'index.hidden': true } : {}) },
    mappings
  }, { ignore: [400] })
}
