import t from 'tap'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { installIntegrityIndices, IntegrityStore } from '../../src/store/integrity-store.ts'
import { leafHash } from '../../src/integrity/merkle.ts'
import { cleanup, testEnv } from '../helpers/stack.ts'

const config = loadConfig(testEnv())
const es = createEs(config.elasticsearchUrl)
t.teardown(async () => {
  await cleanup(es, config)
  await es.close()
})

t.test('blocks are found by event key and confirmed by id: events sharing a key are told apart', async t => {
  await installIntegrityIndices(es, config.indexPrefix, 0)
  const store = new IntegrityStore(es, config.indexPrefix)
  // evt-462789 and evt-679192 share a key; they sit in different blocks (a block starts at every 1,024).
  const ids = ['evt-462789', ...Array.from({ length: 1023 }, (_, i) => `filler-${i}`), 'evt-679192', 'evt-1']
  const leaves = ids.map((eventId, seq) => ({ tenant: 'brand-k', seq, eventId, eventIndex: 'p', leaf: leafHash(eventId).toString('hex'), sealedAt: '2026-11-26T10:00:00.000Z' }))
  const { blocks } = await store.createLeaves(leaves)
  t.same(blocks.map(b => [b.start, b.status]), [[0, 201], [1024, 201]])
  const stored = await es.get<Record<string, unknown>>({ index: store.blocks, id: 'brand-k:1024' })
  t.match(stored._source, { leaf_events: ['evt-679192', 'evt-1'], leaf_keys: [Number, Number] }, 'ids kept in order, each with its key')
  t.notOk('event_ids' in (stored._source ?? {}), 'ids are not indexed as keywords any more')
  await store.refresh()

  t.equal((await store.leafOf('brand-k', 'evt-679192'))?.seq, 1024, 'the block sharing the key, earlier in the log, is passed over')
  t.equal((await store.leafOf('brand-k', 'evt-462789'))?.seq, 0)
  t.equal(await store.leafOf('brand-k', 'evt-absent'), undefined)
  t.same([...(await store.leavesByEventId('brand-k', ['evt-679192', 'filler-7'])).entries()].map(([id, l]) => [id, l.seq]).sort(), [['evt-679192', 1024], ['filler-7', 8]])
  t.same([...await store.sealedIds('brand-k', ['evt-679192', 'evt-absent'], 1026)], ['evt-679192'], 'looked up by key, confirmed by id')
  t.same([...await store.sealedIds('brand-k', ['evt-679192'], 1024)], [], 'not below the size asked for, though its key is')
  t.equal(await store.leafOf('brand-other', 'evt-1'), undefined, 'keys are looked up within the tenant')
})
