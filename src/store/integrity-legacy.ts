import type { estypes } from '@elastic/elasticsearch'
import type { Es } from './elasticsearch.ts'
import type { IntegrityStore } from './integrity-store.ts'
import type { LeafRecord } from '../integrity/types.ts'

/** The leaves index of earlier versions: one document per leaf. */
export const legacyLeavesIndex = (prefix: string): string => `${prefix}-integrity-leaves`

interface LegacyLeaf { tenant: string, seq: number, event_id: string, event_index: string, leaf: string, sealed_at: string }

/** How many leaves the earlier per-leaf index still holds (0 when it does not exist). */
export async function legacyLeafCount (es: Es, prefix: string): Promise<number> {
  const index = legacyLeavesIndex(prefix)
  if (!(await es.indices.exists({ index }))) return 0
  await es.indices.refresh({ index })
  return (await es.count({ index })).count
}

/**
 * Moves every leaf of the earlier per-leaf index into blocks, tenant by tenant in sequence order, checks that
 * the logs hold as many leaves as were read, then deletes the earlier index. The numbering and the leaf hashes
 * are kept, so signed checkpoints and stored subtree hashes stay valid. Run with the workers stopped.
 */
export async function migrateLegacyLeaves (es: Es, prefix: string, store: IntegrityStore, log: (line: string) => void): Promise<number> {
  const index = legacyLeavesIndex(prefix)
  const expected = await legacyLeafCount(es, prefix)
  if (expected === 0) return 0
  if (await store.leafCount() > 0) throw new Error(`${store.blocks} already holds leaves: the logs were restarted after the upgrade; restore them before migrating`)
  let moved = 0
  let after: estypes.SortResults | undefined
  for (;;) {
    const r = await es.search<LegacyLeaf>({ index, size: 5000, sort: [{ tenant: 'asc' }, { seq: 'asc' }, { event_id: 'asc' }], ...(after === undefined ? {} : { search_after: after }) })
    const hits = r.hits.hits
    const leaves: LeafRecord[] = hits.map(h => h._source as LegacyLeaf).map(s => ({ tenant: s.tenant, seq: s.seq, eventId: s.event_id, eventIndex: s.event_index, leaf: s.leaf, sealedAt: s.sealed_at }))
    if (leaves.length > 0) {
      const { blocks } = await store.createLeaves(leaves)
      const failed = blocks.find(b => b.status !== 201)
      if (failed !== undefined) throw new Error(`block ${failed.tenant}:${failed.start} not stored (${failed.status} ${failed.reason ?? ''}); nothing was deleted`)
      moved += leaves.length
      log(`moved ${moved} / ${expected} leaves`)
    }
    if (hits.length < 5000) break
    after = hits[hits.length - 1]?.sort
  }
  await store.refresh()
  const now = await store.leafCount()
  if (now !== expected) throw new Error(`the logs hold ${now} leaves after the move, not ${expected}; ${index} is kept`)
  await es.indices.delete({ index })
  await es.indices.deleteIndexTemplate({ name: index }, { ignore: [404] })
  return moved
}
