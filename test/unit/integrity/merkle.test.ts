import t from 'tap'
import fc from 'fast-check'
import {
  auditPath, consistencyProof, EMPTY_ROOT, leafHash, leafHashHex, nodeHash, nodeHashHex, rootFromAuditPath, treeHash, verifyConsistency, verifyInclusion
} from '../../../src/integrity/merkle.ts'
import { rootFromPath, sha } from './reference.ts'

const hex = (b: Buffer): string => b.toString('hex')

// The leaves of the RFC 6962 reference test suite (certificate-transparency merkle_tree_test).
const VECTOR_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h => Buffer.from(h, 'hex'))
const VECTOR_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
]

const leavesOf = (n: number, salt = 0): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(`leaf ${salt}/${i}`))

t.test('hashes follow RFC 6962: domain separation and the reference vectors', async t => {
  t.equal(hex(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'the empty tree is SHA-256 of nothing')
  t.same(leafHash('abc'), sha(Buffer.from([0]), Buffer.from('abc')))
  // Short texts are hashed from a reused buffer, long ones (more than 21,845 code units) as a joined string.
  for (const text of ['', 'abc', '{"é":"Ж\\u0000"}', '\u{1F600}', 'Ж'.repeat(21_845), 'Ж'.repeat(21_846), 'a'.repeat(100_000), '\ud800x']) t.equal(leafHashHex(text), sha(Buffer.from([0]), Buffer.from(text, 'utf8')).toString('hex'), `one-shot leaf hash of ${JSON.stringify(text.slice(0, 20))} (${text.length} code units)`)
  t.same(nodeHash(Buffer.alloc(32, 1), Buffer.alloc(32, 2)), sha(Buffer.from([1]), Buffer.alloc(32, 1), Buffer.alloc(32, 2)))
  const hexOf = (fill: number, length = 32): string => Buffer.alloc(length, fill).toString('hex')
  t.equal(nodeHashHex(hexOf(1), hexOf(2)), sha(Buffer.from([1]), Buffer.alloc(32, 1), Buffer.alloc(32, 2)).toString('hex'), 'hex node hash')
  t.equal(nodeHashHex(hexOf(3), hexOf(4)), sha(Buffer.from([1]), Buffer.alloc(32, 3), Buffer.alloc(32, 4)).toString('hex'), 'its reused input carries nothing over')
  t.equal(nodeHashHex(hexOf(7).slice(0, 62) + 'zz', hexOf(8)), nodeHash(Buffer.from(hexOf(7).slice(0, 62), 'hex'), Buffer.alloc(32, 8)).toString('hex'), 'a hash that is not all hex is decoded as far as it goes')
  t.equal(nodeHashHex(hexOf(5, 5), hexOf(6, 40)), sha(Buffer.from([1]), Buffer.alloc(5, 5), Buffer.alloc(40, 6)).toString('hex'), 'hashes of other lengths (a damaged log) are hashed as given')
  const leaves = VECTOR_INPUTS.map(d => leafHash(d))
  VECTOR_ROOTS.forEach((root, i) => t.equal(hex(treeHash(leaves.slice(0, i + 1))), root, `root of ${i + 1} leaves`))
  t.same(auditPath(0, leaves).map(hex), [
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'
  ], 'audit path of leaf 0 in the tree of 8')
  t.same(auditPath(5, leaves.slice(0, 6)).map(hex), [
    hex(leaves[4] as Buffer),
    VECTOR_ROOTS[3]
  ], 'audit path of leaf 5 in the tree of 6: its neighbour, then the tree of the first 4')
})

const tree = fc.integer({ min: 1, max: 300 }).chain(n => fc.record({ n: fc.constant(n), m: fc.nat(n - 1), salt: fc.nat() }))

t.test('every leaf of random trees has an inclusion proof that verifies, and only for that leaf, index and root', async t => {
  fc.assert(fc.property(tree, ({ n, m, salt }) => {
    const leaves = leavesOf(n, salt)
    const root = treeHash(leaves)
    const path = auditPath(m, leaves)
    const leaf = leaves[m] as Buffer
    const otherIndex = (m + 1) % n
    return verifyInclusion(leaf, m, n, path, root) &&
      !verifyInclusion(leafHash('not a leaf'), m, n, path, root) &&
      (n === 1 || !verifyInclusion(leaf, otherIndex, n, path, root)) &&
      !verifyInclusion(leaf, m, n, path, leafHash('another root')) &&
      !verifyInclusion(leaf, m, n, [...path, leaf], root) &&
      (path.length === 0 || !verifyInclusion(leaf, m, n, path.slice(1), root))
  }), { numRuns: 300 })
  t.pass('300 random trees')
})

t.test('the root recomputed from each leaf\'s proof is the root of the tree, by this code and by the reference reading', async t => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.nat(), (n, salt) => {
    const leaves = leavesOf(n, salt)
    const root = treeHash(leaves)
    return leaves.every((leaf, i) => rootFromAuditPath(leaf, i, n, auditPath(i, leaves))?.equals(root) === true &&
      rootFromPath(i, n, leaf, auditPath(i, leaves)).equals(root))
  }), { numRuns: 100 })
  t.equal(rootFromAuditPath(leafHash('x'), 3, 3, []), undefined, 'an index outside the tree has no root')
  t.pass()
})

t.test('consistency proofs: a tree extends each of its prefixes and no other tree', async t => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 200 }).chain(n => fc.tuple(fc.integer({ min: 1, max: n }), fc.constant(n))), fc.nat(), ([m, n], salt) => {
    const leaves = leavesOf(n, salt)
    const oldRoot = treeHash(leaves, 0, m)
    const newRoot = treeHash(leaves)
    const proof = consistencyProof(m, leaves)
    const forged = leavesOf(n, salt + 1)
    return verifyConsistency(m, n, oldRoot, newRoot, proof) &&
      !verifyConsistency(m, n, treeHash(forged, 0, m), newRoot, proof) &&
      (m === n || !verifyConsistency(m, n, oldRoot, treeHash(forged), proof)) &&
      (m === n || !verifyConsistency(m, n, oldRoot, newRoot, proof.slice(1)))
  }), { numRuns: 300 })
  t.notOk(verifyConsistency(0, 3, EMPTY_ROOT, EMPTY_ROOT, []))
  t.pass()
})
