import type { Span } from './merkle.ts'
import { Frontier, nodeEnd, nodeStart, perfectBlocks } from './frontier.ts'
import { KnownHashes, missing, spanHash } from './span-hash.ts'
import type { LeafRecord } from './types.ts'

/** The reads a log's tree needs; IntegrityStore provides them. */
export interface TreeSource {
  nodeHashes: (tenant: string, keys: ReadonlyArray<{ level: number, index: number }>) => Promise<Map<string, Buffer | null>>
  leafPages: (tenant: string, from: number, to: number) => AsyncGenerator<LeafRecord[]>
}

/**
 * Hashes of subtrees of a tenant's log, fetching stored nodes and, under nodes that are not stored, leaves.
 * Each round fetches what the previous one showed missing; a missing node costs one more round, never a wrong hash.
 */
export async function spanHashes (source: TreeSource, tenant: string, spans: readonly Span[], known = new KnownHashes()): Promise<Buffer[]> {
  for (let round = 0; ; round++) {
    const needs = missing(spans, known)
    if (needs.nodes.length === 0 && needs.leaves.length === 0) break
    if (round > 64) throw new Error('the log tree did not resolve; is a node hash stored twice?')
    if (needs.nodes.length > 0) {
      for (const [key, hash] of await source.nodeHashes(tenant, needs.nodes)) known.nodes.set(key, hash)
    }
    for (const [start, end] of needs.leaves) {
      for await (const page of source.leafPages(tenant, start, end)) {
        for (const leaf of page) known.leaves.set(leaf.seq, Buffer.from(leaf.leaf, 'hex'))
      }
      for (let seq = start; seq < end; seq++) if (!known.leaves.has(seq)) known.absentLeaves.add(seq)
    }
  }
  return spans.map(span => spanHash(span, known))
}

/** The frontier of the first `size` leaves of the log, and the stored nodes that had to be rebuilt on the way. */
export async function loadFrontier (source: TreeSource, tenant: string, size: number): Promise<{ frontier: Frontier, rebuilt: KnownHashes['rebuilt'] }> {
  const known = new KnownHashes()
  const spans = perfectBlocks(0, size).map(b => [nodeStart(b.level, b.index), nodeEnd(b.level, b.index)] as const)
  const hashes = await spanHashes(source, tenant, spans, known)
  return { frontier: Frontier.of(size, hashes), rebuilt: known.rebuilt }
}
