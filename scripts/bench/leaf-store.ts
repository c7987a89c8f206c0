/**
 * What storing the integrity log costs Elasticsearch per leaf: the same leaves written as packed blocks (the
 * store's own createLeaves, up to 1,024 leaves per document, hashes in one base64 string, a 32-bit key per
 * event indexed), as packed blocks with the event ids indexed instead (before the keys), as blocks holding
 * one array element per leaf (before the packing) and as one document per leaf (before blocks), in seals of
 * 5,000, rotating the order over rounds on fresh indices. Prints Elasticsearch's CPU time
 * per leaf, wall time, and the size on disk once merged. Usage: node --import tsx scripts/bench/leaf-store.ts [leaves=400000] [rounds=2]
 */
import { randomUUID } from 'node:crypto'
import { createEs } from '../../src/store/elasticsearch.ts'
import { esCpuMeter } from './cpu.ts'
import { IntegrityStore } from '../../src/store/integrity/integrity-store.ts'
import { installIntegrityIndices, integrityIndex } from '../../src/store/integrity/integrity-indices.ts'
import { BLOCK_LEAVES } from '../../src/store/integrity/integrity-docs.ts'
import { leafHash } from '../../src/integrity/merkle.ts'
import { bulkCreate } from '../../src/store/bulk.ts'
import type { LeafRecord } from '../../src/integrity/types.ts'

const N = Number(process.argv[2] ?? 400_000)
const ROUNDS = Number(process.argv[3] ?? 2)
const SEAL = 5000
const es = createEs(process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200')
const made: string[] = []

const esCpuMs = esCpuMeter(es)

function leavesFor (prefix: string): LeafRecord[] {
  const sealedAt = new Date().toISOString()
  return Array.from({ length: N }, (_, seq) => ({
    tenant: 'brand-a', seq, eventId: randomUUID(), eventIndex: `${prefix}-events-security-2026.11.01`, leaf: leafHash(String(seq)).toString('hex'), sealedAt
  }))
}

async function blocks (prefix: string): Promise<void> {
  await installIntegrityIndices(es, prefix, 0)
  const store = new IntegrityStore(es, prefix)
  const leaves = leavesFor(prefix)
  for (let i = 0; i < N; i += SEAL) await store.createLeaves(leaves.slice(i, i + SEAL))
  await store.refresh()
}

/** The same blocks written by hand in an earlier layout (event ids indexed as keywords), from the leaves of a block. */
function handBlocks (layout: (part: LeafRecord[]) => object): (prefix: string) => Promise<void> {
  return async prefix => {
    await installIntegrityIndices(es, prefix, 0)
    const index = integrityIndex(prefix, 'blocks')
    const leaves = leavesFor(prefix)
    for (let i = 0; i < N; i += SEAL) {
      const docs = []
      for (let start = i; start < Math.min(N, i + SEAL);) {
        const end = Math.min(N, i + SEAL, (Math.floor(start / BLOCK_LEAVES) + 1) * BLOCK_LEAVES)
        const part = leaves.slice(start, end)
        docs.push({ index, id: `brand-a:${start}`, doc: { tenant: 'brand-a', start, end, count: end - start, event_ids: part.map(l => l.eventId), partitions: [part[0]?.eventIndex], sealed_at: part[0]?.sealedAt, ...layout(part) } })
        start = end
      }
      await bulkCreate(es, docs)
    }
    await es.indices.refresh({ index })
  }
}

/** Packed hashes and partitions, event ids indexed (before the keys). */
const packedIdBlocks = handBlocks(part => ({ leaf_hashes: Buffer.from(part.map(l => l.leaf).join(''), 'hex').toString('base64'), leaf_partitions: Buffer.alloc(2 * part.length).toString('base64') }))
/** One array element per leaf: hashes in hex, partition numbers (before the packing). */
const arrayBlocks = handBlocks(part => ({ partition_of: part.map(() => 0), leaves: part.map(l => l.leaf) }))

async function perLeaf (prefix: string): Promise<void> {
  const index = `${prefix}-integrity-leaves`
  await es.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: { dynamic: 'strict', properties: { tenant: { type: 'keyword' }, seq: { type: 'long' }, event_id: { type: 'keyword' }, event_index: { type: 'keyword', index: false, doc_values: false }, leaf: { type: 'keyword', index: false }, sealed_at: { type: 'date', index: false, doc_values: false } } }
  })
  const leaves = leavesFor(prefix)
  for (let i = 0; i < N; i += SEAL) {
    await bulkCreate(es, leaves.slice(i, i + SEAL).map(l => ({ index, id: `${l.tenant}:${l.eventId}`, doc: { tenant: l.tenant, seq: l.seq, event_id: l.eventId, event_index: l.eventIndex, leaf: l.leaf, sealed_at: l.sealedAt } })))
  }
  await es.indices.refresh({ index })
}

async function measure (label: string, write: (prefix: string) => Promise<void>): Promise<void> {
  const prefix = `leafbench${Date.now().toString(36)}${made.length}`
  made.push(prefix)
  const cpu0 = await esCpuMs()
  const t0 = performance.now()
  await write(prefix)
  const wall = (performance.now() - t0) * 1000 / N
  const cpu = (await esCpuMs() - cpu0) * 1000 / N
  // On disk once merged, as the log is kept.
  await es.indices.forcemerge({ index: `${prefix}-integrity-*`, max_num_segments: 1 })
  const stats = await es.indices.stats({ index: `${prefix}-integrity-*`, metric: 'store' })
  const bytes = (stats._all.primaries?.store?.size_in_bytes ?? 0) / N
  console.log(`${label.padEnd(38)} Elasticsearch ${cpu.toFixed(1)} µs CPU per leaf, ${wall.toFixed(1)} µs wall per leaf, ${bytes.toFixed(0)} bytes per leaf on disk`)
}

try {
  console.log(`${N} leaves of one tenant, seals of ${SEAL}, ${ROUNDS} round(s)`)
  for (let r = 0; r < ROUNDS; r++) {
    const layouts: Array<[string, (prefix: string) => Promise<void>]> = [['packed blocks, keys', blocks], ['packed blocks, ids indexed', packedIdBlocks], ['blocks of arrays', arrayBlocks], ['one document per leaf', perLeaf]]
    for (let k = 0; k < layouts.length; k++) {
      const [label, write] = layouts[(k + r) % layouts.length] as [string, (prefix: string) => Promise<void>]
      await measure(`round ${r + 1}, ${label}`, write)
    }
  }
} finally {
  for (const prefix of made) {
    const indices = await es.cat.indices({ index: `${prefix}-*`, format: 'json', h: 'index' })
    for (const { index } of indices) if (index !== undefined) await es.indices.delete({ index }, { ignore: [404] })
    await es.indices.deleteIndexTemplate({ name: `${prefix}-*` }, { ignore: [404] })
  }
  await es.close()
}
