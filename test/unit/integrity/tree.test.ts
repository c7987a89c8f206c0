import t from 'tap'
import fc from 'fast-check'
import { auditPath, auditPathSpans, consistencySpans, leafHash, treeHash, consistencyProof } from '../../../src/integrity/merkle.ts'
import { Frontier, NODE_MIN_LEVEL, nodeEnd, nodeStart, perfectBlocks, type Node } from '../../../src/integrity/frontier.ts'
import { KnownHashes, LeafMissingError, nodeKey } from '../../../src/integrity/span-hash.ts'
import { loadFrontier, spanHashes, type TreeSource } from '../../../src/integrity/tree-reader.ts'
import type { LeafRecord } from '../../../src/integrity/types.ts'

const leavesOf = (n: number, salt = 0): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(`leaf ${salt}/${i}`))

/** A log held in memory the way the store holds it: leaves by seq, and the stored nodes that were kept. */
function memorySource (leaves: Buffer[], nodes: Node[], lost: Set<number> = new Set()): TreeSource & { reads: { nodes: number, leaves: number } } {
  const stored = new Map(nodes.map(n => [nodeKey(n.level, n.index), n.hash]))
  const reads = { nodes: 0, leaves: 0 }
  return {
    reads,
    nodeHashes: async (_tenant, keys) => {
      reads.nodes += keys.length
      return new Map(keys.map(k => [nodeKey(k.level, k.index), stored.get(nodeKey(k.level, k.index)) ?? null]))
    },
    leafPages: async function * (tenant, from, to) {
      const page: LeafRecord[] = []
      for (let seq = from; seq < Math.min(to, leaves.length); seq++) {
        if (!lost.has(seq)) page.push({ tenant, seq, eventId: `e${seq}`, eventIndex: 'i', leaf: (leaves[seq] as Buffer).toString('hex'), sealedAt: '' })
      }
      reads.leaves += page.length
      yield page
    }
  }
}

t.test('perfect blocks tile a range with aligned subtrees', async t => {
  t.same(perfectBlocks(0, 13), [{ level: 3, index: 0 }, { level: 2, index: 2 }, { level: 0, index: 12 }])
  t.same(perfectBlocks(5, 16), [{ level: 0, index: 5 }, { level: 1, index: 3 }, { level: 3, index: 1 }])
  t.same(perfectBlocks(4, 4), [])
  fc.assert(fc.property(fc.nat(5000), fc.nat(5000), (a, b) => {
    const [s, e] = a <= b ? [a, b] : [b, a]
    let at = s
    for (const block of perfectBlocks(s, e)) {
      if (nodeStart(block.level, block.index) !== at) return false
      at = nodeEnd(block.level, block.index)
    }
    return at === e
  }))
})

t.test('the frontier gives the RFC 6962 root at every size and reports each stored-size subtree it completes', async t => {
  const leaves = leavesOf(1100)
  const f = Frontier.empty()
  const completed: Node[] = []
  t.same(f.root(), treeHash([]))
  leaves.forEach((leaf, i) => {
    completed.push(...f.append(leaf.toString('hex')))
    if ([1, 2, 3, 7, 255, 256, 257, 511, 512, 1000, 1099].includes(i)) t.same(f.root(), treeHash(leaves, 0, i + 1), `root after ${i + 1}`)
  })
  t.equal(f.size, 1100)
  t.same(completed.map(n => `${n.level}:${n.index}`), ['8:0', '8:1', '9:0', '8:2', '8:3', '9:1', '10:0'])
  for (const n of completed) t.same(n.hash, treeHash(leaves, nodeStart(n.level, n.index), nodeEnd(n.level, n.index)))
  t.ok(completed.every(n => n.level >= NODE_MIN_LEVEL))
  const rebuilt = Frontier.of(1100, perfectBlocks(0, 1100).map(b => treeHash(leaves, nodeStart(b.level, b.index), nodeEnd(b.level, b.index))))
  t.same(rebuilt.root(), f.root(), 'a frontier rebuilt from its subtree hashes has the same root')
  t.throws(() => Frontier.of(1100, []))
  const one = Frontier.of(1, [leafHash('y')])
  t.throws(() => one.push(2, leafHash('z')), 'a subtree must start on its own boundary')
})

t.test('subtree hashes from stored nodes and leaves equal those of the whole tree, however many nodes are missing', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), async (n, keep, salt) => {
    const leaves = leavesOf(n, salt)
    const f = Frontier.empty()
    const nodes = leaves.flatMap(l => f.append(l.toString('hex')))
    const kept = nodes.filter((_, i) => (i * 0.618) % 1 < keep)
    const source = memorySource(leaves, kept)
    const m = (salt * 7919) % n
    const path = await spanHashes(source, 't', auditPathSpans(m, n))
    const known = new KnownHashes()
    const loaded = await loadFrontier(source, 't', n)
    const consistency = m > 0 ? await spanHashes(source, 't', consistencySpans(m, n), known) : []
    const expectedPath = auditPath(m, leaves)
    const expectedConsistency = m > 0 ? consistencyProof(m, leaves) : []
    return path.every((h, i) => h.equals(expectedPath[i] as Buffer)) && path.length === expectedPath.length &&
      loaded.frontier.root().equals(treeHash(leaves)) &&
      loaded.rebuilt.every(r => r.hash.equals(treeHash(leaves, nodeStart(r.level, r.index), nodeEnd(r.level, r.index)))) &&
      consistency.every((h, i) => h.equals(expectedConsistency[i] as Buffer))
  }), { numRuns: 60 })
})

t.test('stored nodes spare reading the leaves; a lost leaf is named', async t => {
  const n = 70_000
  const leaves = leavesOf(n)
  const f = Frontier.empty()
  const nodes = leaves.flatMap(l => f.append(l.toString('hex')))
  const source = memorySource(leaves, nodes)
  await spanHashes(source, 't', auditPathSpans(12_345, n))
  t.ok(source.reads.leaves <= 512, `a proof in ${n} leaves read ${source.reads.leaves} leaves and ${source.reads.nodes} nodes`)
  const lost = memorySource(leaves, [], new Set([5]))
  const err = await spanHashes(lost, 't', [[0, 8]]).catch((e: unknown) => e)
  t.ok(err instanceof LeafMissingError && err.seq === 5, 'the lost leaf is named')
})
