import { t } from '../helpers/file-test.ts'
import type { estypes } from '@elastic/elasticsearch'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { detectCapabilities } from '../../src/store/capabilities.ts'
import { installTemplates } from '../../src/store/templates.ts'
import { eventsAlias } from '../../src/store/events/index-names.ts'
import { EventsAggregator } from '../../src/store/events/events-aggregate.ts'
import { EventsScanner } from '../../src/store/events/events-scan.ts'
import { EventsExportReader } from '../../src/store/events/events-export.ts'
import { EventsReader } from '../../src/store/events/events-read.ts'
import { UnavailableError } from '../../src/errors.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

// Counts, groups, scans and exports stand for every matching event: when one partition's shard fails, they must
// fail too, never answer 200 without that partition's events. Here one partition maps `source.ip` as a keyword
// (as a partition made under another mapping would), so a query on an address that is not one fails on the
// other partition's shard alone.
const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const prefix = config.indexPrefix
const alias = eventsAlias(prefix)
const failsOnIpShards: estypes.QueryDslQueryContainer = { bool: { should: [{ term: { 'source.ip': 'not-an-address' } }, { exists: { field: 'event.id' } }], minimum_should_match: 1 } }
const all: estypes.QueryDslQueryContainer = { exists: { field: 'event.id' } }

t.before(async () => {
  await installTemplates(es, { prefix, replicas: 0, retentionDays: config.retentionDays }, await detectCapabilities(es))
  await es.indices.create({ index: `${prefix}-events-security-2026.01.01` })
  await es.indices.create({ index: `${prefix}-events-interaction-2026.01.01`, mappings: { properties: { source: { properties: { ip: { type: 'keyword' } } } } } })
  const doc = (id: string): Record<string, unknown> => ({ '@timestamp': '2026-01-10T10:00:00.000Z', event: { id, action: 'login', outcome: 'success' }, audit: { tenant: 'brand-a' }, user: { id: 'u-1' }, source: { ip: '10.0.0.1' } })
  await es.bulk({
    refresh: true,
    operations: [
      { create: { _index: `${prefix}-events-security-2026.01.01`, _id: 'a' } }, doc('a'),
      { create: { _index: `${prefix}-events-interaction-2026.01.01`, _id: 'b' } }, doc('b')
    ]
  })
})
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('the premise: Elasticsearch answers such a query 200 with a shard failed', async t => {
  const r = await es.search({ index: alias, size: 0, track_total_hits: true, query: failsOnIpShards })
  t.equal(r._shards.failed, 1)
  t.same(r.hits.total, { value: 1, relation: 'eq' }, 'and counts the other partition alone')
})

t.test('aggregations, scans, samples and exports refuse an answer with a shard missing', async t => {
  const aggregator = new EventsAggregator(es, prefix)
  const scanner = new EventsScanner(es, prefix)
  const snapshot = await new EventsExportReader(es, prefix).open()
  t.teardown(async () => { await snapshot.close() })
  const scan = async (query: estypes.QueryDslQueryContainer): Promise<number> => {
    let seen = 0
    await scanner.scan({ query, keys: ['user.id'], fields: [], limit: 100 }, events => { seen += events.length })
    return seen
  }
  const walk = async (query: estypes.QueryDslQueryContainer): Promise<number> => {
    let seen = 0
    for await (const page of snapshot.sourcePages({ query, sort: [{ '@timestamp': 'asc' }, { 'event.id': 'asc' }] })) seen += page.length
    return seen
  }
  const users = { u: { terms: { field: 'user.id' } } }

  // Both events are found when every shard answers.
  t.equal((await aggregator.run({ query: all })).total, 2)
  t.same(Object.keys(await scanner.aggregate(all, users)), ['u'])
  t.equal(await scan(all), 2)
  t.equal((await scanner.samples([{ query: all, size: 10 }], []))[0]?.length, 2)
  t.equal(await snapshot.count(all), 2)
  t.equal(await walk(all), 2)

  const refused = /search_phase_execution_exception|not an IP|all shards failed|Partial shards failure/i
  await t.rejects(aggregator.run({ query: failsOnIpShards }), refused, 'analytics (groups, summaries, risky users)')
  await t.rejects(scanner.aggregate(failsOnIpShards, users), refused, 'one aggregation of a behaviour request')
  await t.rejects(scan(failsOnIpShards), refused, 'a scan (funnels, signals, rebuilds)')
  await t.rejects(scanner.samples([{ query: failsOnIpShards, size: 10 }], []), refused, 'evidence samples')
  await t.rejects(snapshot.count(failsOnIpShards), refused, 'an export\'s count')
  await t.rejects(walk(failsOnIpShards), /refused|search_phase_execution_exception|not an IP/i, 'an export\'s pages')
})

t.test('an event looked up by id is "not found" only when every partition answered', async t => {
  const reader = new EventsReader(es, prefix)
  const failing = [failsOnIpShards]
  t.equal((await reader.byId('b', failing))?.event !== undefined, true, 'found in a partition that answered, whatever the others did')
  t.equal(await reader.byId('zzz', []), undefined, 'not found when every partition answered')
  for (const id of ['a', 'zzz']) {
    const err = await reader.byId(id, failing).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof UnavailableError, `${id}: refused while a partition did not answer, instead of "not found"`)
    t.match((err as Error).message, /1 of \d+ partition shards did not answer/)
    t.equal((err as UnavailableError).statusCode, 503)
  }
})

t.test('an event looked up by id waits for a partition whose shard has not started, then answers', async t => {
  const reader = new EventsReader(es, prefix)
  const starting = `${prefix}-events-security-2026.02.01`
  // A shard that cannot be placed stands for one starting (a partition created a moment ago) or one whose node is gone.
  await es.indices.create({ index: starting, wait_for_active_shards: 0, settings: { 'index.routing.allocation.require._name': 'no-such-node' } })
  t.teardown(async () => { await es.indices.delete({ index: starting }, { ignore: [404] }) })
  const began = Date.now()
  const err = await reader.byId('zzz', []).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof UnavailableError, 'refused once the waits are over')
  t.ok(Date.now() - began >= 3000, 'after waiting for the shard')
  t.equal((await reader.byId('a', []))?.event !== undefined, true, 'an event found elsewhere is answered at once')
  // The shard starts while the lookup waits: the answer is then "not found". The first refused read lets the
  // shard start and returns once it has, however long a busy engine takes to place it.
  let searches = 0
  const starts = new Proxy(es, {
    get (target, prop, receiver) {
      if (prop !== 'search') return Reflect.get(target, prop, receiver)
      return async (...args: Parameters<typeof es.search>) => {
        const answer = await target.search(...args)
        if (searches++ === 0) {
          await target.indices.putSettings({ index: starting, settings: { 'index.routing.allocation.require._name': null } })
          await target.cluster.health({ index: starting, wait_for_status: 'green', timeout: '60s' })
        }
        return answer
      }
    }
  })
  t.equal(await new EventsReader(starts, prefix).byId('zzz', []), undefined, 'not found, once every partition answered')
  t.ok(searches >= 2, `asked again once the shard had started (${searches} searches)`)
})
