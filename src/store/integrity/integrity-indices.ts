import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { legacyLeafCount, legacyLeavesIndex } from './integrity-legacy.ts'

const MAPPINGS_DIR = fileURLToPath(new URL('../../../mappings/', import.meta.url))
const KINDS = ['blocks', 'nodes', 'checkpoints'] as const
export const integrityIndex = (prefix: string, kind: typeof KINDS[number]): string => `${prefix}-integrity-${kind}`

/**
 * The log is read after an explicit refresh (sealer, proofs, verification) or by id: a refresh every second
 * while ingesting would only make tiny segments of blocks.
 */
const REFRESH_INTERVAL = '30s'

/**
 * Templates and indices of the integrity logs; one shard each, so a log's writes apply in order. Idempotent.
 * Then refuses to go on over leaves in the earlier per-leaf format (unless migrating them): new logs would
 * restart at seq 0 beside their old checkpoints and subtree hashes.
 */
export async function installIntegrityIndices (es: Es, prefix: string, replicas: number, migrating = false): Promise<void> {
  for (const kind of KINDS) {
    const index = integrityIndex(prefix, kind)
    const mappings = JSON.parse(readFileSync(`${MAPPINGS_DIR}integrity-${kind}.json`, 'utf8')) as estypes.MappingTypeMapping
    await es.indices.putIndexTemplate({ name: index, index_patterns: [index], priority: 200, template: { settings: { index: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: REFRESH_INTERVAL } }, mappings } })
    // An index made by an earlier version gets the fields added since (adding fields is all that changes),
    // and the refresh interval.
    if (await es.indices.exists({ index })) {
      await es.indices.putMapping({ index, ...mappings })
      await es.indices.putSettings({ index, settings: { index: { refresh_interval: REFRESH_INTERVAL } } })
    } else {
      await es.indices.create({ index }, { ignore: [400] })
    }
  }
  const legacy = migrating ? 0 : await legacyLeafCount(es, prefix)
  if (legacy > 0) throw new Error(`${legacyLeavesIndex(prefix)} holds ${legacy} integrity leaves in the earlier per-leaf format: stop the workers and run \`npm run cli -- integrity-migrate\` first`)
}
