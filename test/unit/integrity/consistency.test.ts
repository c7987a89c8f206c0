import t from 'tap'
import { consistencyProof, consistencySpans, leafHash, treeHash, verifyConsistency } from '../../../src/integrity/merkle.ts'
import { sha } from './reference.ts'

const hex = (b: Buffer): string => b.toString('hex')
const leavesOf = (n: number, salt = 0): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(`leaf ${salt}/${i}`))

/** MTH by the letter of RFC 6962 §2.1, on a copy of the slice: no shared code with the service. */
function mth (d: Buffer[]): Buffer {
  if (d.length === 0) return sha()
  if (d.length === 1) return d[0] as Buffer
  let k = 1
  while (k * 2 < d.length) k *= 2
  return sha(Buffer.from([1]), mth(d.slice(0, k)), mth(d.slice(k)))
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 6962 §2.1.2, written as the RFC states it. */
function subproof (m: number, d: Buffer[], b: boolean): Buffer[] {
  const n = d.length
  if (m === n) return b ? [] : [mth(d)]
  let k = 1
  while (k * 2 < n) k *= 2
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))]
}

// The leaves and proofs of the certificate-transparency reference tests (merkle_tree_test).
const VECTOR_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(h => leafHash(Buffer.from(h, 'hex')))
const VECTORS: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']]
]

t.test('consistency proofs of the RFC 6962 reference vectors', async t => {
  for (const [m, n, proof] of VECTORS) {
    const leaves = VECTOR_LEAVES.slice(0, n)
    t.same(consistencyProof(m, leaves).map(hex), proof, `PROOF(${m}, D[${n}])`)
    t.ok(verifyConsistency(m, n, treeHash(leaves, 0, m), treeHash(leaves), proof.map(h => Buffer.from(h, 'hex'))), `verifies from ${m} to ${n}`)
  }
})

t.test('every pair of sizes up to 40 leaves, against brute force: the proof is PROOF(m, D[n]), it verifies, and any change breaks it', async t => {
  const N = 40
  const leaves = leavesOf(N)
  const forged = leavesOf(N, 1)
  let pairs = 0
  let rejected = 0
  for (let n = 1; n <= N; n++) {
    const d = leaves.slice(0, n)
    const newRoot = mth(d)
    for (let m = 1; m <= n; m++) {
      const oldRoot = mth(d.slice(0, m))
      const proof = consistencyProof(m, d)
      if (hex(Buffer.concat(proof)) !== hex(Buffer.concat(subproof(m, d, true)))) t.fail(`PROOF(${m}, D[${n}]) differs from the RFC's definition`)
      if (consistencySpans(m, n).length !== proof.length) t.fail(`spans of (${m}, ${n})`)
      if (!verifyConsistency(m, n, oldRoot, newRoot, proof)) t.fail(`(${m}, ${n}) does not verify`)
      // Each hash of the proof changed, one at a time; a hash dropped or added; the roots swapped for others.
      const tampered: Buffer[][] = proof.map((_, i) => proof.map((h, j) => i === j ? leafHash(h) : h))
      if (proof.length > 0) tampered.push(proof.slice(1), proof.slice(0, -1))
      tampered.push([...proof, newRoot])
      for (const bad of tampered) if (verifyConsistency(m, n, oldRoot, newRoot, bad)) t.fail(`a tampered proof (${m}, ${n}) verifies`); else rejected++
      if (verifyConsistency(m, n, mth(forged.slice(0, m)), newRoot, proof)) t.fail(`another old tree (${m}, ${n})`)
      if (m < n && verifyConsistency(m, n, oldRoot, mth([...d.slice(0, n - 1), forged[n - 1] as Buffer]), proof)) t.fail(`a changed last leaf (${m}, ${n})`)
      if (m < n && verifyConsistency(m, n, oldRoot, mth(forged.slice(0, n)), proof)) t.fail(`another new tree (${m}, ${n})`)
      pairs++
    }
  }
  t.equal(pairs, N * (N + 1) / 2, `${pairs} pairs of sizes, ${rejected} tampered proofs rejected`)
  t.notOk(verifyConsistency(3, 2, treeHash(leaves, 0, 3), treeHash(leaves, 0, 2), []), 'an older tree larger than the newer')
  t.throws(() => consistencySpans(0, 4), RangeError)
})
