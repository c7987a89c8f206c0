import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'

/**
 * Creates one of the service's own indices (keys, saved searches, rules, access log…) with its mapping and the
 * configured replicas if it is not there yet. Hidden ones stay out of wildcard searches over user data.
 * Safe on every start and between racing processes: an index created in between is the index wanted.
 */
export async function ensureIndex (es: Es, index: string, mappings: estypes.MappingTypeMapping, options: { replicas: number, hidden?: boolean }): Promise<void> {
  if (await es.indices.exists({ index })) return
  try {
    await es.indices.create({
      index,
      settings: { number_of_shards: 1, number_of_replicas: options.replicas, ...(options.hidden === false ? {} : { 'index.hidden': true }) },
      mappings
    })
  } catch (err) {
    if (!/resource_already_exists_exception/.test(String((err as { message?: string }).message))) throw err
  }
}

/**
 * The refresh for a write to one of these indices that is read right after it (a person's change to a key, a rule,
 * a stream…, listed at once; a rule run's log, where the next run starts): refreshing the one-shard index at once
 * takes tens of milliseconds, where `wait_for` waited for the next periodic refresh, up to a second per write.
 * These indices take a few writes a minute per person or rule, so the small segments they make are cheap to merge.
 */
export const VISIBLE_NOW = true
