import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import type { IntegrityStore } from './integrity-store.ts'
import type { LeafRecord } from '../../integrity/types.ts'
import { searchPages } from '../search-pages.ts'

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

/** Leaves of the earlier index in (tenant, seq) order, a page at a time. */
async function * legacyPages (es: Es, index: string, source?: string[]): AsyncGenerator<LegacyLeaf[]> {
  const request: estypes.SearchRequest & { size: number } = { index, size: 5000, sort: [{ tenant: 'asc' }, { seq: 'asc' }, { event_id: 'asc' }], ...(source === undefined ? {} : { _source: source }) }
  for await (const hits of searchPages<LegacyLeaf>(es, request)) yield hits.map(h => h._source as LegacyLeaf)
}

/**
 * The positions where an earlier log is not numbered 0, 1, 2, … (a hole or a repeated seq): moved as they
 * are, such a log would be cut or reported altered; it is verified and repaired with the earlier version first.
 */
async function legacyDamage (es: Es, index: string): Promise<string[]> {
  const damage: string[] = []
  let tenant: string | undefined
  let next = 0
  for await (const page of legacyPages(es, index, ['tenant', 'seq'])) {
    for (const l of page) {
      if (l.tenant !== tenant) { tenant = l.tenant; next = 0 }
      if (l.seq !== next && damage.length < 20) damage.push(`${l.tenant}: seq ${l.seq} where ${next} was expected`)
      next = l.seq + 1
    }
  }
  return damage
}

/**
 * Moves every leaf of the earlier per-leaf index into blocks, tenant by tenant in sequence order, checks that
 * the logs hold as many leaves as were read, then deletes the earlier index. The numbering and the leaf hashes
 * are kept, so signed checkpoints and stored subtree hashes stay valid. Refuses a log that is not numbered
 * without holes or repeats. Run with the workers stopped; a run that was interrupted can be run again.
 */
export async function migrateLegacyLeaves (es: Es, prefix: string, store: IntegrityStore, log: (line: string) => void): Promise<number> {
  const index = legacyLeavesIndex(prefix)
  const expected = await legacyLeafCount(es, prefix)
  if (expected === 0) return 0
  const damage = await legacyDamage(es, index)
  if (damage.length > 0) throw new Error(`${index} is not numbered without holes or repeats (${damage.join('; ')}); verify it with the earlier version before migrating. Nothing was moved`)
  // The workers refuse to start while the earlier index holds leaves, so blocks found now are from a
  // migration that was interrupted: it starts again from nothing.
  await store.refresh()
  if (await store.leafCount() > 0) {
    log(`${store.blocks} holds blocks of an interrupted migration: removing them`)
    await es.deleteByQuery({ index: store.blocks, refresh: true, conflicts: 'proceed', query: { match_all: {} } })
  }
  let moved = 0
  for await (const page of legacyPages(es, index)) {
    const leaves: LeafRecord[] = page.map(s => ({ tenant: s.tenant, seq: s.seq, eventId: s.event_id, eventIndex: s.event_index, leaf: s.leaf, sealedAt: s.sealed_at }))
    const { blocks } = await store.createLeaves(leaves)
    const failed = blocks.find(b => b.status !== 201)
    if (failed !== undefined) throw new Error(`block ${failed.tenant}:${failed.start} not stored (${failed.status} ${failed.reason ?? ''}); ${index} is kept: run the migration again`)
    moved += leaves.length
    log(`moved ${moved} / ${expected} leaves`)
  }
  await store.refresh()
  const now = await store.leafCount()
  if (now !== expected) throw new Error(`the logs hold ${now} leaves after the move, not ${expected}; ${index} is kept: run the migration again`)
  await es.indices.delete({ index })
  await es.indices.deleteIndexTemplate({ name: index }, { ignore: [404] })
  return moved
}
