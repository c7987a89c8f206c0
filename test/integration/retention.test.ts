import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { startStack } from '../helpers/stack.ts'
import { sweepRetention } from '../../src/store/events/retention-sweep.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'

const monthName = (d: Date) => `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.01`
const monthsAgo = (n: number) => { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - n, 1)) }

t.test('capabilities are detected, not assumed', async t => {
  const stack = await startStack(t, { worker: false })
  const ilmAnswers = await stack.es.ilm.getStatus().then(() => true, () => false)
  t.equal(stack.caps.ilm, ilmAnswers, 'the ILM flag matches what the cluster answers')
  t.match(stack.caps.version, /^9\./)
  // Installing twice is harmless: start-up runs it every time.
  await installTemplates(stack.es, { prefix: stack.config.indexPrefix, replicas: 0, retentionDays: stack.config.retentionDays }, stack.caps)
  const templates = await stack.es.indices.getIndexTemplate({ name: `${stack.config.indexPrefix}-events-*` })
  t.equal(templates.index_templates.length, 4, 'one template per retention class')
  const security = templates.index_templates.find(x => x.name.endsWith('-security'))
  t.equal(security?.index_template.template?.settings?.index?.lifecycle?.name !== undefined, stack.caps.ilm, 'lifecycle settings only where ILM exists')
})

t.test('without ILM the sweep drops expired partitions and keeps the rest', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_RETENTION_DAYS: 'interaction=30,security=400' } })
  t.equal(stack.caps.ilm, false, 'the local engine has no ILM, so this is the path it takes')
  const p = stack.config.indexPrefix
  const names = {
    expiredUi: `${p}-events-interaction-${monthName(monthsAgo(3))}`,
    currentUi: `${p}-events-interaction-${monthName(monthsAgo(0))}`,
    keptSecurity: `${p}-events-security-${monthName(monthsAgo(3))}`,
    expiredSecurity: `${p}-events-security-${monthName(monthsAgo(15))}`
  }
  for (const index of Object.values(names)) await stack.es.indices.create({ index })
  const aliases = await stack.es.indices.getAlias({ index: names.currentUi })
  t.ok(eventsAlias(p) in (aliases[names.currentUi]?.aliases ?? {}), 'partitions join the read alias through the template')

  const result = await sweepRetention(stack.es, p, stack.config.retentionDays, Date.now())
  t.same(result.deleted.sort(), [names.expiredSecurity, names.expiredUi].sort())
  t.equal(result.kept, 2)
  t.ok(await stack.es.indices.exists({ index: names.currentUi }))
  t.ok(await stack.es.indices.exists({ index: names.keptSecurity }))
  t.notOk(await stack.es.indices.exists({ index: names.expiredUi }))
})

t.test('the worker runs the sweep on its schedule', async t => {
  const stack = await startStack(t, { env: { SILLAGE_RETENTION_DAYS: 'interaction=30', SILLAGE_RETENTION_SWEEP_MS: '1000' } })
  const expired = `${stack.config.indexPrefix}-events-interaction-${monthName(monthsAgo(4))}`
  await stack.es.indices.create({ index: expired })
  let exists = true
  for (let i = 0; i < 100 && exists; i++) {
    await sleep(200)
    exists = await stack.es.indices.exists({ index: expired })
  }
  t.notOk(exists, 'expired partition removed by the scheduled job')
})
