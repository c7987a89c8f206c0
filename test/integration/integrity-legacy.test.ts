import t from 'tap'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { installIntegrityIndices, IntegrityStore } from '../../src/store/integrity-store.ts'
import { legacyLeavesIndex, migrateLegacyLeaves } from '../../src/store/integrity-legacy.ts'
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
