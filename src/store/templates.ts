import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'
import type { Capabilities } from './capabilities.ts'
import { RETENTION_CLASSES, type RetentionClass } from '../events/retention-classes.ts'
import { classAlias, classPattern, eventsAlias } from './events/index-names.ts'
import { backfillLetterIds, deadLetterIndex } from './system/dead-letters.ts'
import { deleteAfterDays } from './events/retention.ts'
import { eventIndices } from './events/retention-sweep.ts'
import { Retirements } from './events/retirements.ts'
import { installIntegrityIndices } from './integrity/integrity-indices.ts'

const MAPPINGS_DIR = fileURLToPath(new URL('../../mappings/', import.meta.url))
const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(MAPPINGS_DIR + name, 'utf8')) as Record<string, unknown>

export interface StoreLayout {
  prefix: string
  replicas: number
  retentionDays: Record<RetentionClass, number>
  /** Partitions sorted by time on disk (events-settings.json); false leaves documents in arrival order. Default true. */
  timeSort?: boolean
}

export const policyName = (prefix: string, cls: RetentionClass): string => `${prefix}-events-${cls}`

/** The lifecycle policy body of one class, from mappings/lifecycle-policy.json. */
export function lifecyclePolicy (retentionDays: number): estypes.IlmPolicy {
  const policy = readJson('lifecycle-policy.json') as unknown as estypes.IlmPolicy & { phases: { delete: estypes.IlmPhase } }
  policy.phases.delete.min_age = `${deleteAfterDays(retentionDays)}d`
  return policy
}

/** The composable index template of one retention class. */
export function eventsTemplate (layout: StoreLayout, cls: RetentionClass, ilm: boolean): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...readJson('events-settings.json'), number_of_replicas: layout.replicas }
  if (layout.timeSort === false) delete settings.sort
  if (ilm) {
    settings['lifecycle.name'] = policyName(layout.prefix, cls)
    settings['lifecycle.parse_origination_date'] = true
  }
  return {
    index_patterns: [classPattern(layout.prefix, cls)],
    priority: 200,
    composed_of: [`${layout.prefix}-events-mappings`],
    template: {
      settings: { index: settings },
      aliases: { [eventsAlias(layout.prefix)]: {}, [classAlias(layout.prefix, cls)]: {} }
    },
    _meta: { managed_by: 'sillage', retention_class: cls, retention_days: layout.retentionDays[cls] }
  }
}

/**
 * Installs mappings, templates, policies (where ILM exists), the dead-letter and integrity indices, and gives the
 * open event partitions the fields added to the mapping since they were made. Safe to run on every start. Returns
 * the partitions that refused the mapping (made under another one): they keep theirs.
 */
export async function installTemplates (es: Es, layout: StoreLayout, caps: Capabilities): Promise<{ refused: string[] }> {
  await es.cluster.putComponentTemplate({ name: `${layout.prefix}-events-mappings`, template: { mappings: readJson('events-mappings.json') } })
  for (const cls of RETENTION_CLASSES) {
    if (caps.ilm) {
      await es.ilm.putLifecycle({ name: policyName(layout.prefix, cls), policy: lifecyclePolicy(layout.retentionDays[cls]) })
    }
    await es.indices.putIndexTemplate({ name: `${layout.prefix}-events-${cls}`, ...eventsTemplate(layout, cls, caps.ilm) })
  }
  const dead = deadLetterIndex(layout.prefix)
  await es.indices.putIndexTemplate({
    name: dead,
    index_patterns: [dead],
    priority: 200,
    template: { settings: { index: { number_of_shards: 1, number_of_replicas: layout.replicas } }, mappings: readJson('deadletter-mappings.json') }
  })
  if (!(await es.indices.exists({ index: dead }))) {
    await es.indices.create({ index: dead }, { ignore: [400] })
  } else {
    // Fields added since the index was created (replays); mappings only ever gain fields.
    await es.indices.putMapping({ index: dead, ...readJson('deadletter-mappings.json') })
    await backfillLetterIds(es, layout.prefix)
  }
  await installIntegrityIndices(es, layout.prefix, layout.replicas)
  await new Retirements(es, layout.prefix).install(layout.replicas)
  return { refused: await extendPartitionMappings(es, layout.prefix) }
}

/**
 * Puts the events mapping onto every open partition: a field added in an upgrade would otherwise be refused
 * (strict mapping) by the partitions made before it, this month's and the older ones late events go to, and
 * every event carrying it dead-lettered. Mappings only ever gain fields, so this changes nothing else.
 */
async function extendPartitionMappings (es: Es, prefix: string): Promise<string[]> {
  const mapping = readJson('events-mappings.json')
  const refused: string[] = []
  for (const index of await eventIndices(es, prefix, ['open'])) {
    try {
      await es.indices.putMapping({ index, ...mapping })
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode !== 400) throw err
      refused.push(index)
    }
  }
  return refused
}
