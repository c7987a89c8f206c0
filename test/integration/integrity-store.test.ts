import { t } from '../helpers/file-test.ts'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices } from '../../src/store/integrity/integrity-indices.ts'
import { eventKey } from '../../src/store/events/event-key.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
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

t.test('a look-up pages through every block its keys match, however many', async t => {
  const store = new IntegrityStore(es, config.indexPrefix)
  // 600 one-leaf blocks list evt-462789; the block after them lists evt-679192, which shares its key.
  const block = (start: number, id: string): object => ({
    tenant: 'brand-p', start, end: start + 1, count: 1, leaf_events: [id], leaf_keys: [eventKey(id)], partitions: ['p'],
    leaf_hashes: leafHash(id).toString('base64'), leaf_partitions: Buffer.alloc(2).toString('base64'), sealed_at: '2026-11-26T10:00:00.000Z'
  })
  const docs = Array.from({ length: 601 }, (_, i) => ({ index: store.blocks, id: `brand-p:${i}`, doc: block(i, i < 600 ? 'evt-462789' : 'evt-679192') }))
  t.ok((await bulkCreate(es, docs)).every(r => r.status === 201))
  await store.refresh()
  t.equal((await store.leafOf('brand-p', 'evt-679192'))?.seq, 600, 'found past the first pages of blocks sharing its key')
  t.same([...await store.sealedIds('brand-p', ['evt-679192'], 601)], ['evt-679192'])
})

t.test('cutting a log removes its subtree hashes past the cut, also those written since the last refresh', async t => {
  const store = new IntegrityStore(es, config.indexPrefix)
  const node = (level: number, index: number): { level: number, index: number, hash: Buffer } => ({ level, index, hash: leafHash(`${level}/${index}`) })
  await store.createNodes('brand-c', [node(8, 0), node(8, 1), node(8, 2)]) // [0, 256), [256, 512), [512, 768)
  await store.truncate('brand-c', 300)
  const kept = await store.nodeHashes('brand-c', [{ level: 8, index: 0 }, { level: 8, index: 1 }, { level: 8, index: 2 }])
  t.same([...kept.values()].map(h => h !== null), [true, false, false], 'the hashes covering leaves past 300 are gone')
})
