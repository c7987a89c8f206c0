import t from 'tap'
import { parsePartition, partitionIndex } from '../../../src/store/events/index-names.ts'
import { expiredPartitions, deleteAfterDays } from '../../../src/store/events/retention.ts'
import { eventsTemplate, lifecyclePolicy } from '../../../src/store/templates.ts'

const RETENTION = { financial: 1825, security: 730, activity: 365, interaction: 180 }

t.test('partitions are named from the event time', async t => {
  t.equal(partitionIndex('sillage', 'financial', '2026-11-26T10:00:00.000Z'), 'sillage-events-financial-2026.11.01')
  t.equal(partitionIndex('x', 'interaction', '2019-01-31T23:59:59.999Z'), 'x-events-interaction-2019.01.01')
  t.same(parsePartition('sillage', 'sillage-events-security-2024.02.01'), { index: 'sillage-events-security-2024.02.01', cls: 'security', start: new Date('2024-02-01T00:00:00Z') })
  t.equal(parsePartition('sillage', 'sillage-events-unknown-2024.02.01'), undefined)
  t.equal(parsePartition('sillage', 'other-events-security-2024.02.01'), undefined)
  t.equal(parsePartition('sillage', 'sillage-deadletter'), undefined)
})

t.test('a partition expires once its newest possible event is past retention', async t => {
  const p = parsePartition('s', 's-events-interaction-2026.01.01')!
  const expiry = p.start.getTime() + deleteAfterDays(180) * 86_400_000
  t.same(expiredPartitions([p], RETENTION, expiry - 1), [])
  t.same(expiredPartitions([p], RETENTION, expiry), [p])
  // The last event of January (Jan 31) must have been kept 180 full days.
  t.ok(expiry - Date.parse('2026-01-31T23:59:59Z') >= 180 * 86_400_000)
  const money = parsePartition('s', 's-events-financial-2026.01.01')!
  t.same(expiredPartitions([p, money], RETENTION, expiry), [p], 'financial kept longer')
})

interface TemplateBody {
  index_patterns: string[]
  template: { settings: { index: Record<string, unknown> }, aliases: Record<string, object> }
}

t.test('lifecycle policy and template bodies', async t => {
  const policy = lifecyclePolicy(730) as { phases: Record<string, { min_age: string, actions: object }> }
  t.equal(policy.phases.delete?.min_age, '761d')
  t.ok('delete' in (policy.phases.delete?.actions ?? {}))
  t.same(Object.keys(policy.phases), ['hot', 'warm', 'delete'])
  // Late events (as old as their class retention) must find their partition writable.
  t.same(Object.values(policy.phases).flatMap(p => Object.keys(p.actions)).filter(a => ['readonly', 'forcemerge', 'shrink', 'freeze', 'searchable_snapshot'].includes(a)), [], 'no action that blocks writes')
  const withIlm = eventsTemplate({ prefix: 'p', replicas: 1, retentionDays: RETENTION }, 'security', true) as unknown as TemplateBody
  t.same(withIlm.index_patterns, ['p-events-security-*'])
  t.equal(withIlm.template.settings.index['lifecycle.name'], 'p-events-security')
  t.equal(withIlm.template.settings.index['lifecycle.parse_origination_date'], true)
  t.same(Object.keys(withIlm.template.aliases), ['p-events', 'p-events-security'])
  const bare = eventsTemplate({ prefix: 'p', replicas: 0, retentionDays: RETENTION }, 'security', false) as unknown as TemplateBody
  t.equal(bare.template.settings.index['lifecycle.name'], undefined, 'no ILM settings where ILM is absent')
  t.equal(bare.template.settings.index.number_of_replicas, 0)
  t.same(bare.template.settings.index.sort, { field: '@timestamp', order: 'desc' }, 'partitions sorted by time on disk by default')
  const arrival = eventsTemplate({ prefix: 'p', replicas: 0, retentionDays: RETENTION, timeSort: false }, 'security', false) as unknown as TemplateBody
  t.equal(arrival.template.settings.index.sort, undefined, 'SILLAGE_INDEX_TIME_SORT=off keeps arrival order')
})
