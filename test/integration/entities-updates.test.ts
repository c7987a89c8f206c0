import { t } from '../helpers/file-test.ts'
import { KEYS, startStack, type Stack } from '../helpers/stack.ts'
import { DAY, plantedEvents, post, settled, snapshot, type Ev } from '../helpers/entities-data.ts'
import { EntitiesStore } from '../../src/store/events/entities-store.ts'
import { EventsScanner } from '../../src/store/events/events-scan.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { rebuildEntities } from '../../src/entities/rebuild.ts'
import { DEFAULT_GRACE_MS, EntityUpdater } from '../../src/indexer/entity-updater.ts'
import { entityId } from '../../src/entities/model.ts'
import type { QueuedEvent } from '../../src/queue/events-queue.ts'
import { forgetExpired } from '../../src/indexer/entity-retention.ts'
import { Redis } from 'ioredis'

// Replays, late events, a job retried after a crash and a rebuild from the events all leave the same entities.
const now = Date.now()
const events = plantedEvents(now)
let stack: Stack
let store: EntitiesStore

t.before(async () => {
  stack = await startStack(t)
  store = new EntitiesStore(stack.es, stack.config.indexPrefix)
  // Late events: the newest half first, the oldest half after.
  const half = Math.floor(events.length / 2)
  const byTime = [...events].sort((a, b) => b.time - a.time)
  await post(stack, byTime.slice(0, half), KEYS.aIngest)
  await settled(stack)
  await post(stack, byTime.slice(half), KEYS.aIngest)
  if (await stack.waitForCount(events.length) !== events.length) throw new Error('seed not indexed')
  await settled(stack)
})

/** The stored events of a user, with what the writer would report for them. */
async function storedOf (user: string): Promise<Array<{ queued: QueuedEvent, source: Record<string, unknown>, index: string }>> {
  const r = await stack.es.search<Record<string, unknown>>({ index: eventsAlias(stack.config.indexPrefix), size: 1000, query: { term: { 'user.id': user } } })
  return r.hits.hits.map(h => ({ queued: { id: String((h._source?.event as { id: string }).id), index: h._index, tenant: 'brand-a', json: JSON.stringify(h._source) }, source: h._source as Record<string, unknown>, index: h._index }))
}

t.test('the same events sent again change nothing', async t => {
  const before = await snapshot(stack)
  t.ok(Object.keys(before).length > 48 + 14, `${Object.keys(before).length} entities: users, devices, addresses`)
  await post(stack, events.filter((_, i) => i % 3 === 0), KEYS.aIngest, 70)
  await settled(stack)
  t.same(await snapshot(stack), before)
})

t.test('a job retried after a crash between the event write and the entity update', async t => {
  const before = await snapshot(stack)
  const user = 'en-7'
  const id = entityId('brand-a', 'user', user)
  const stored = await storedOf(user)
  const updater = new EntityUpdater(store, { graceMs: DEFAULT_GRACE_MS })
  const retry = async (): Promise<void> => {
    await updater.apply(stored.map(s => s.queued), stored.map(s => ({ kind: 'duplicate', copy: { index: s.index, id: s.queued.id, source: s.source } })))
    await store.refresh()
  }
  await retry()
  t.same(await snapshot(stack), before, 'entities already updated: the retry adds nothing')
  // The crash: events stored, the user's entity never updated.
  await stack.es.delete({ index: store.index, id, refresh: true })
  await retry()
  t.same((await snapshot(stack))[id], before[id], 'entity not updated before the crash: the retry brings it in step')
  await retry()
  t.same(await snapshot(stack), before)
})

t.test('a rebuild from the events gives what the worker maintained', async t => {
  const before = await snapshot(stack)
  await stack.es.deleteByQuery({ index: store.index, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } }, refresh: true })
  await store.setComplete(null)
  const report = await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS, tenant: 'brand-a' })
  await store.refresh()
  t.equal(report.events, 3 * events.length, 'every event read once per kind (each has a user, a device and an address)')
  t.same(await snapshot(stack), before)

  // While events keep coming: a rebuild over a store already in step changes nothing either.
  await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS })
  await store.refresh()
  t.same(await snapshot(stack), before)
})

t.test('late and new events after the rebuild', async t => {
  const user = 'en-3'
  const first = Math.min(...events.filter(e => e.user === user).map(e => e.time))
  const late: Ev[] = [
    { id: 'late-1', user, time: first - 20 * DAY, action: 'registration', outcome: 'success', ip: '81.2.69.142', device: 'dev-late' },
    { id: 'late-2', user, time: now - 1000, action: 'deposit', outcome: 'success', ip: '81.2.69.142', amount: 5.5, currency: 'GBP' }
  ]
  await post(stack, late, KEYS.aIngest)
  await settled(stack)
  const res = await stack.api.app.inject({ method: 'GET', url: `/v1/users/${user}/profile`, headers: { authorization: `ApiKey ${KEYS.aRead}` } })
  const p = res.json()
  t.equal(p.firstSeen, new Date(first - 20 * DAY).toISOString(), 'a late event moves the first time back')
  t.same(p.actions.find((a: { action: string }) => a.action === 'registration')?.first, new Date(first - 20 * DAY).toISOString())
  t.same(p.money.find((m: { currency: string }) => m.currency === 'GBP'), { action: 'deposit', currency: 'GBP', total: 5.5, count: 1 })
  t.ok(p.devices.items.some((d: { id: string }) => d.id === 'dev-late'))
  // And the rebuild agrees with the worker once more.
  const before = await snapshot(stack)
  await stack.es.deleteByQuery({ index: store.index, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } }, refresh: true })
  await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS })
  await store.refresh()
  t.same(await snapshot(stack), before)
})

t.test('a document written when only the first occurrence of each action was kept', async t => {
  const before = await snapshot(stack)
  const user = 'en-9'
  const id = entityId('brand-a', 'user', user)
  const [doc] = await store.read([id])
  const stamps = doc?.source.stamps as string[]
  t.ok(stamps.some(v => v.split('|').length > 5), `${user} has actions that occurred more than once`)
  const firstOnly = stamps.map(v => v.split('|').slice(0, 5).join('|')).sort()
  await stack.es.index({ index: store.index, id, document: { ...doc?.source, stamps: firstOnly }, refresh: true })
  // Some of its events again: they are not taken for its second, third or fourth occurrences, which may lie between.
  await post(stack, events.filter(e => e.user === user).filter((_, i) => i % 2 === 1), KEYS.aIngest)
  await settled(stack)
  const [replayed] = await store.read([id])
  t.same([...replayed?.source.stamps as string[]].sort(), firstOnly, 'the first and last only, as before the replay')
  await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS, tenant: 'brand-a' })
  await store.refresh()
  t.same(await snapshot(stack), before, 'the rebuild brings the first occurrences back')
})

t.test('a forgetting rebuild drops what deleted events taught the store (retention)', async t => {
  const gone = 'en-5'
  const trimmed = 'en-3'
  const cut = Math.min(...events.filter(e => e.user === trimmed).map(e => e.time)) + DAY
  // What retention does to whole partitions, done here to a user's events and to another's oldest ones.
  await stack.es.deleteByQuery({ index: eventsAlias(stack.config.indexPrefix), refresh: true, query: { bool: { should: [{ term: { 'user.id': gone } }, { bool: { filter: [{ term: { 'user.id': trimmed } }, { range: { '@timestamp': { lt: new Date(cut).toISOString() } } }] } }] } } })
  const stale = await snapshot(stack)
  t.ok(stale[entityId('brand-a', 'user', gone)] !== undefined, 'the store still holds the user whose events are gone')
  const report = await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS, tenant: 'brand-a', forget: true })
  await store.refresh()
  t.ok(report.forgotten.user >= 1, `${report.forgotten.user} users, ${report.forgotten.device} devices, ${report.forgotten.ip} addresses forgotten`)
  const forgot = await snapshot(stack)
  t.equal(forgot[entityId('brand-a', 'user', gone)], undefined, 'the user is gone from the store')
  const profile = (await stack.api.app.inject({ method: 'GET', url: `/v1/users/${trimmed}/profile`, headers: { authorization: `ApiKey ${KEYS.aRead}` } })).json()
  t.ok(Date.parse(profile.firstSeen) >= cut, 'first seen moves to the oldest event left')
  // The same as a store built from nothing but the events left.
  await stack.es.deleteByQuery({ index: store.index, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } }, refresh: true })
  await rebuildEntities(stack.es, stack.config.indexPrefix, store, new EventsScanner(stack.es, stack.config.indexPrefix), { graceMs: DEFAULT_GRACE_MS, tenant: 'brand-a' })
  await store.refresh()
  t.same(forgot, await snapshot(stack))
})

t.test('the maintenance run forgets what partitions that have gone taught the store', async t => {
  const redis = new Redis(stack.config.redisUrl)
  t.teardown(() => { redis.disconnect() })
  const prefix = stack.config.indexPrefix
  const run = async () => await forgetExpired(stack.es, redis, stack.config.queuePrefix, prefix, store, () => {})
  // A tenant whose events have all gone: entities left in the store, no event anywhere.
  const orphan = entityId('brand-gone', 'user', 'u-left')
  const [model] = await store.read([entityId('brand-a', 'user', (await store.search({ query: { bool: { filter: [{ term: { tenant: 'brand-a' } }, { term: { kind: 'user' } }] } }, size: 1, _source: ['key'] })).hits.hits[0]?._source?.key as string)])
  t.ok(await store.write([{ id: orphan, doc: { ...model?.source, tenant: 'brand-gone', key: 'u-left' } }], true).then(r => r[0]?.ok))
  await redis.del(`${stack.config.queuePrefix}:entities:partitions`)
  const first = await run()
  t.match(first, { gone: [], lost: true, report: { forgotten: { user: 1 } } }, 'the record of the partitions seen lost (Redis emptied) while the store holds entities: it is rebuilt once, forgetting what no event says')
  t.ok(first.report?.tenants.includes('brand-gone'), 'the tenant without events was visited')
  await store.refresh()
  t.same(await store.read([orphan]), [undefined], 'and its entities forgotten')
  t.same(await run(), { gone: [] }, 'the next run only notes the partitions')
  const partitions = (await stack.es.cat.indices({ index: `${prefix}-events-*`, format: 'json', h: 'index,docs.count' })).sort((a, b) => Number(a['docs.count']) - Number(b['docs.count']))
  const expired = partitions.find(p => Number(p['docs.count']) > 0)?.index as string
  await stack.es.indices.delete({ index: expired })
  const second = await run()
  t.same(second.gone, [expired])
  t.ok(second.report !== undefined && second.report.entities.user > 0, 'the store was rebuilt')
  await store.refresh()
  const forgot = await snapshot(stack)
  await stack.es.deleteByQuery({ index: store.index, query: { bool: { must_not: [{ term: { kind: 'meta' } }] } }, refresh: true })
  await rebuildEntities(stack.es, prefix, store, new EventsScanner(stack.es, prefix), { graceMs: DEFAULT_GRACE_MS })
  await store.refresh()
  t.same(forgot, await snapshot(stack), 'as if built from the events left')
  t.same(await run(), { gone: [] }, 'and once only')
})
