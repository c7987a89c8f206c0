import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices } from '../../src/store/integrity/integrity-indices.ts'
import { legacyLeavesIndex, migrateLegacyLeaves } from '../../src/store/integrity/integrity-legacy.ts'
import { leafHash } from '../../src/integrity/merkle.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
const prefix = config.indexPrefix
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('leaves of the earlier per-leaf index stop the start, and move into blocks with their numbers', async t => {
  const legacy = legacyLeavesIndex(prefix)
  const leaves = [...['brand-a', 'brand-b'].flatMap(tenant => Array.from({ length: tenant === 'brand-a' ? 1500 : 7 }, (_, seq) => ({
    tenant, seq, event_id: `${tenant}-e${seq}`, event_index: `${prefix}-events-security-2026.11.01`, leaf: leafHash(`${tenant}/${seq}`).toString('hex'), sealed_at: '2026-11-26T10:00:00.000Z'
  })))]
  // The earlier mapping (mappings/integrity-leaves.json of those versions).
  const createLegacy = async (): Promise<void> => {
    await es.indices.create({
      index: legacy,
      mappings: { dynamic: 'strict', properties: { tenant: { type: 'keyword' }, seq: { type: 'long' }, event_id: { type: 'keyword' }, event_index: { type: 'keyword', index: false, doc_values: false }, leaf: { type: 'keyword', index: false }, sealed_at: { type: 'date', index: false, doc_values: false } } }
    })
  }
  await createLegacy()
  await es.bulk({ refresh: true, operations: leaves.flatMap(l => [{ create: { _index: legacy, _id: `${l.tenant}:${l.event_id}` } }, l]) })

  await t.rejects(installIntegrityIndices(es, prefix, 0), /holds 1507 integrity leaves in the earlier per-leaf format: stop the workers and run `npm run cli -- integrity-migrate`/)
  await installIntegrityIndices(es, prefix, 0, true)
  const store = new IntegrityStore(es, prefix)
  // A migration interrupted after its first blocks: running it again starts over.
  await store.createLeaves(leaves.slice(0, 100).map(l => ({ tenant: l.tenant, seq: l.seq, eventId: l.event_id, eventIndex: l.event_index, leaf: l.leaf, sealedAt: l.sealed_at })))
  const said: string[] = []
  t.equal(await migrateLegacyLeaves(es, prefix, store, line => { said.push(line) }), 1507)
  t.match(said[0], /holds blocks of an interrupted migration: removing them/)
  t.notOk(await es.indices.exists({ index: legacy }), 'the earlier index is deleted')
  for (const tenant of ['brand-a', 'brand-b']) {
    const moved = []
    for await (const page of store.leafPages(tenant, 0, 1e9)) moved.push(...page)
    t.same(moved.map(l => [l.seq, l.eventId, l.eventIndex, l.leaf]), leaves.filter(l => l.tenant === tenant).map(l => [l.seq, l.event_id, l.event_index, l.leaf]), `${tenant}: same numbers, events and hashes`)
  }
  await installIntegrityIndices(es, prefix, 0)
  t.equal(await migrateLegacyLeaves(es, prefix, store, () => undefined), 0, 'nothing left to migrate')

  // A damaged earlier log (a hole at seq 2) is refused before anything moves.
  await createLegacy()
  await es.bulk({ refresh: true, operations: [0, 1, 3].flatMap(seq => [{ create: { _index: legacy, _id: `brand-c:c${seq}` } }, { tenant: 'brand-c', seq, event_id: `c${seq}`, event_index: 'x', leaf: leafHash(`c${seq}`).toString('hex'), sealed_at: '2026-11-26T10:00:00.000Z' }]) })
  await t.rejects(migrateLegacyLeaves(es, prefix, store, () => undefined), /brand-c: seq 3 where 2 was expected.*Nothing was moved/)
  t.equal(await store.leafCount('brand-c'), 0)
})

t.test('a blocks index made before the packed layout gets its new fields, and both layouts are read', async t => {
  const old = `${prefix}up`
  t.teardown(async () => { await cleanup(es, { ...config, indexPrefix: old }) })
  const blocks = `${old}-integrity-blocks`
  // The blocks mapping of those versions: hashes and partition numbers as arrays, no packed fields.
  await es.indices.create({
    index: blocks,
    mappings: { dynamic: 'strict', properties: { tenant: { type: 'keyword' }, start: { type: 'long' }, end: { type: 'long' }, count: { type: 'integer' }, event_ids: { type: 'keyword', doc_values: false }, partitions: { type: 'keyword', index: false, doc_values: false }, partition_of: { type: 'integer', index: false, doc_values: false }, leaves: { type: 'keyword', index: false, doc_values: false }, sealed_at: { type: 'date', index: false, doc_values: false } } }
  })
  const hash = (seq: number): Buffer => leafHash(`u/${seq}`)
  await es.index({ index: blocks, id: 'brand-u:0', refresh: true, document: { tenant: 'brand-u', start: 0, end: 3, count: 3, event_ids: ['u0', 'u1', 'u2'], partitions: ['p1', 'p2'], partition_of: [0, 1, 0], leaves: [0, 1, 2].map(s => hash(s).toString('hex')), sealed_at: '2026-11-26T10:00:00.000Z' } })
  await installIntegrityIndices(es, old, 0)
  const store = new IntegrityStore(es, old)
  const { blocks: written } = await store.createLeaves([3, 4].map(seq => ({ tenant: 'brand-u', seq, eventId: `u${seq}`, eventIndex: seq === 3 ? 'p2' : 'p3', leaf: hash(seq).toString('hex'), sealedAt: '2026-11-26T11:00:00.000Z' })))
  t.same(written.map(b => b.status), [201], 'packed blocks are accepted by the upgraded index')
  const settings = await es.indices.getSettings({ index: blocks, name: 'index.refresh_interval' })
  t.equal(settings[blocks]?.settings?.index?.refresh_interval, '30s', 'and refreshes as the log is read (explicitly), not every second')
  await store.refresh()
  const read = []
  for await (const page of store.leafPages('brand-u', 0, 10)) read.push(...page)
  t.same(read.map(l => [l.seq, l.eventId, l.eventIndex, l.leaf]), [0, 1, 2, 3, 4].map(seq => [seq, `u${seq}`, ['p1', 'p2', 'p1', 'p2', 'p3'][seq], hash(seq).toString('hex')]))
  t.same([...(await store.leavesByEventId('brand-u', ['u1', 'u4'])).keys()], ['u1', 'u4'], 'events are found in either layout')
})
