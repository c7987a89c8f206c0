import { readFileSync } from 'node:fs'
import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { partitionIndex } from '../../src/store/events/index-names.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

// An upgrade that adds a field to the events mapping: the partitions made before it (this month's, and the older
// ones late events go to) must take the field too, or every event carrying it is refused and dead-lettered.
const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const prefix = config.indexPrefix
type Mapping = { properties: Record<string, { properties?: Record<string, unknown> }> } & Record<string, unknown>
const current = JSON.parse(readFileSync(new URL('../../mappings/events-mappings.json', import.meta.url), 'utf8')) as Mapping
// The mapping as it was before audit.device.id: devices had a type only.
const before = structuredClone(current)
const audit = before.properties.audit?.properties as { device: { properties: Record<string, unknown> } }
delete audit.device.properties.id

const old = partitionIndex(prefix, 'security', '2026-03-15T00:00:00Z')
const foreign = partitionIndex(prefix, 'interaction', '2026-03-15T00:00:00Z')

t.before(async () => {
  // Made before the templates of this prefix exist, so each keeps the mapping it is given.
  await es.indices.create({ index: old, mappings: before as never })
  await es.indices.create({ index: foreign, mappings: { dynamic: 'strict', properties: { source: { properties: { ip: { type: 'keyword' } } } } } })
})
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('the partitions made before an upgrade take its new fields at start; one made under another mapping is reported', async t => {
  const event = { '@timestamp': '2026-03-15T10:00:00.000Z', event: { id: 'e-1', action: 'login', outcome: 'success' }, audit: { tenant: 'brand-a', device: { type: 'mobile', id: 'dev-1' } }, user: { id: 'u-1' } }
  await t.rejects(es.index({ index: old, id: 'premise', document: event }), /strict_dynamic_mapping_exception/, 'the premise: the old partition refuses the new field')
  const { refused } = await installTemplates(es, { prefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  t.same(refused, [foreign], 'the partition whose address field is a keyword keeps its mapping, and is named')
  t.equal((await es.index({ index: old, id: 'brand-a/e-1', document: event })).result, 'created', 'the old partition takes an event with the new field')
  await es.indices.refresh({ index: old })
  t.equal((await es.count({ index: old, query: { term: { 'audit.device.id': 'dev-1' } } })).count, 1, 'and finds it by that field')
})
