import { t } from '../helpers/file-test.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { sweepRetention } from '../../src/store/events/retention-sweep.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { eventDocId } from '../../src/store/events/event-doc-id.ts'
import { integrityServiceFor, trustedKeysFor } from '../../src/compose/shared.ts'
import { PLATFORM_SCOPE } from '../../src/auth/read-scope.ts'
import { AccessLog, accessIndex } from '../../src/store/system/access-log.ts'
import { deadLetterIndex, writeDeadLetters } from '../../src/store/system/dead-letters.ts'
import { sweepRecords } from '../../src/store/system/records-retention.ts'

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
  const access = accessIndex(stack.config.indexPrefix)
  const record = { key_id: 'old', tenant: null, method: 'GET', route: '/v1/events', url: '/v1/events', status: 200, took_ms: 1 }
  await stack.es.index({ index: access, document: { '@timestamp': '2000-01-01T00:00:00.000Z', ...record }, refresh: true })
  // A recent record written by an earlier version: no id.
  await stack.es.index({ index: access, id: 'earlier-version', document: { '@timestamp': new Date().toISOString(), ...record }, refresh: true })
  let exists = true
  let records = 2
  let id: unknown
  for (let i = 0; i < 100 && (exists || records > 1 || id === undefined); i++) {
    await sleep(200)
    exists = await stack.es.indices.exists({ index: expired })
    records = (await stack.es.count({ index: access })).count
    id = (await stack.es.get<{ id?: string }>({ index: access, id: 'earlier-version' }))._source?.id
  }
  t.notOk(exists, 'expired partition removed by the scheduled job')
  t.equal(records, 1, 'and the access record past its retention')
  t.equal(id, 'earlier-version', 'a record without an id is given its document id')
})

t.test('verification counts what the sweep deleted as expired, whatever the retention says later, and a kept partition\'s missing event as deleted', async t => {
  const dir = await mkdtemp(join(tmpdir(), 'sillage-retention-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  const stack = await startStack(t, { env: { SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_CHECKPOINT_MS: '3600000', SILLAGE_SIGNING_KEY: randomBytes(32).toString('base64') } })
  const p = stack.config.indexPrefix
  // Sign-ins (security class) four months, two months and a few minutes ago: three partitions.
  const at = (months: number) => new Date(Date.UTC(monthsAgo(months).getUTCFullYear(), monthsAgo(months).getUTCMonth(), 10))
  const groups = { swept: at(4), kept: at(2), young: new Date() }
  const events = Object.entries(groups).flatMap(([name, when]) => Array.from({ length: 3 }, (_, i) => makeEvent(`ret-${name}`, i * 11, when)))
  t.ok(events.every(e => (e.event as { action: string }).action === 'login'))
  const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })
  t.equal(res.statusCode, 202, res.body)
  await stack.waitForCount(events.length)
  const partition = (when: Date) => `${p}-events-security-${monthName(when)}`
  for (let i = 0; i < 100 && (await stack.indexer?.sealing?.checkpointNow())?.length !== 1; i++) await sleep(100)
  const days = (security: number) => ({ ...stack.config.retentionDays, security })

  // A sweep under a 60-day retention deletes the four-month-old partition only.
  const swept = await sweepRetention(stack.es, p, days(60), Date.now())
  t.same(swept.deleted, [partition(groups.swept)])
  // Someone deletes one event of the two-month-old partition, and the whole young partition.
  await stack.es.delete({ index: partition(groups.kept), id: eventDocId('default', 'ret-kept-11'), refresh: true })
  await stack.es.indices.delete({ index: partition(groups.young) })

  const verify = async (security: number) => {
    const config = { ...stack.config, retentionDays: days(security) }
    const service = integrityServiceFor(config, stack.es, await trustedKeysFor(config))
    const report = await service.verify('default', {}, PLATFORM_SCOPE)
    return { ok: report.ok, expired: report.expired, deleted: report.problems.map(x => `${x.kind} ${(x as { eventId?: string }).eventId}`).sort() }
  }
  const expected = { ok: false, expired: 3, deleted: ['deleted ret-kept-11', 'deleted ret-young-0', 'deleted ret-young-11', 'deleted ret-young-22'] }
  t.same(await verify(60), expected, 'under the retention the sweep applied')
  t.same(await verify(400), expected, 'retention raised since: the swept partition\'s events are still expired, not deleted')
  t.same(await verify(1), expected, 'retention lowered, not swept yet: an event missing from a partition still there was deleted')

  // A late event makes the swept partition again; then that partition, and the two-month-old one, are deleted by hand.
  const late = makeEvent('ret-late', 0, groups.swept)
  t.equal((await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events: [late] } })).statusCode, 202)
  await stack.waitForCount(events.length - 3 - 1 - 3 + 1)
  for (let i = 0; i < 100 && (await stack.indexer?.sealing?.checkpointNow())?.length !== 1; i++) await sleep(100)
  await stack.es.indices.delete({ index: [partition(groups.swept), partition(groups.kept)] })
  t.same(await verify(1), {
    ok: false,
    expired: 3,
    deleted: ['deleted ret-kept-0', 'deleted ret-kept-11', 'deleted ret-kept-22', 'deleted ret-late-0', 'deleted ret-young-0', 'deleted ret-young-11', 'deleted ret-young-22']
  }, 'without ILM, a partition gone unrecorded was deleted however old; an event sealed after the recorded sweep was deleted since')
})

t.test('access records past the security retention and dead letters bound for expired partitions are deleted', async t => {
  const stack = await startStack(t, { worker: false, env: { SILLAGE_RETENTION_DAYS: 'interaction=30,security=90' } })
  const p = stack.config.indexPrefix
  const log = new AccessLog(stack.es, p, err => { throw err })
  const record = (daysAgo: number, keyId: string) => ({ '@timestamp': new Date(Date.now() - daysAgo * 86_400_000).toISOString(), key_id: keyId, tenant: null, method: 'GET', route: '/v1/events', url: '/v1/events', status: 200, took_ms: 1 })
  log.record(record(120, 'old'))
  log.record(record(60, 'recent'))
  await log.flush()
  const letter = (id: string, index: string) => ({
    event: { id, tenant: 'default', index, json: JSON.stringify({ ...makeEvent('letters', 0), event: { id }, audit: { tenant: 'default' } }) },
    status: 400, errorType: 'mapper_parsing_exception', reason: 'refused'
  })
  await writeDeadLetters(stack.es, p, [
    letter('bound-for-expired', `${p}-events-interaction-${monthName(monthsAgo(4))}`),
    letter('bound-for-kept', `${p}-events-security-${monthName(monthsAgo(2))}`),
    letter('bound-for-current', `${p}-events-interaction-${monthName(monthsAgo(0))}`)
  ])
  await stack.es.indices.refresh({ index: [deadLetterIndex(p), accessIndex(p)] })

  t.same(await sweepRecords(stack.es, p, stack.config.retentionDays, Date.now()), { accessRecords: 1, deadLetters: 1 })
  t.same((await log.search({ tenant: null, size: 10 })).entries.map(r => r.key_id), ['recent'])
  const left = await stack.es.search<{ event_id: string }>({ index: deadLetterIndex(p), size: 10 })
  t.same(left.hits.hits.map(h => h._source?.event_id).sort(), ['bound-for-current', 'bound-for-kept'])
  t.same(await sweepRecords(stack.es, p, stack.config.retentionDays, Date.now()), { accessRecords: 0, deadLetters: 0 }, 'nothing more the second time')
})
