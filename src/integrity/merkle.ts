import { createHash, hash } from 'node:crypto'

/**
 * Merkle tree hashing of RFC 6962 §2.1 (the Certificate Transparency log): leaves and internal nodes are
 * hashed with different one-byte prefixes, so a leaf can never be passed off as a node (second preimages).
 * Positions are plain numbers: exact up to 2^53 leaves, so no bit operators (they truncate to 32 bits).
 */

/** A half-open span of leaf positions [start, end). */
export type Span = readonly [number, number]

const LEAF_PREFIX = Buffer.from([0x00])
const NODE_PREFIX = Buffer.from([0x01])

export const EMPTY_ROOT: Buffer = createHash('sha256').digest()

export function leafHash (data: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest()
}

/*
 * The sealing path hashes every event and merges nearly as many nodes, so it uses the fastest form Node offers:
 * one-shot hashing with a hex result (a Buffer result costs about 0.5 µs more per hash, a streaming hash more).
 */

/** Leaf input, reused: the prefix byte then the text's UTF-8 (writing there is cheaper than joining strings). */
const leafInput = Buffer.alloc(64 * 1024)

/** leafHash of a string, in hex. */
export function leafHashHex (text: string): string {
  // A UTF-16 code unit takes at most 3 bytes in UTF-8, so a text this short always fits whole.
  if (text.length * 3 < leafInput.length) {
    const bytes = leafInput.write(text, 1)
    return hash('sha256', leafInput.subarray(0, bytes + 1), 'hex')
  }
  // U+0000 encodes as the single byte 0x00 in UTF-8: the leaf prefix.
  return hash('sha256', '\u0000' + text, 'hex')
}

/** Node input, reused: hashing copies its input, so nothing of one merge is left to the next. */
const nodeInput = Buffer.alloc(65, 0x01)

/** nodeHash of two hashes given in hex, in hex. Anything else than 32-byte hashes (a damaged log) is hashed as given. */
export function nodeHashHex (left: string, right: string): string {
  // Decoding stops at the first character that is not hex: a short count means the input is not a clean hash.
  if (left.length === 64 && right.length === 64 && nodeInput.write(left, 1, 'hex') === 32 && nodeInput.write(right, 33, 'hex') === 32) {
    return hash('sha256', nodeInput, 'hex')
  }
  return nodeHash(Buffer.from(left, 'hex'), Buffer.from(right, 'hex')).toString('hex')
}

export function nodeHash (left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right], 1 + left.length + right.length), 'buffer')
}

/** The largest power of two strictly below n (n ≥ 2): where RFC 6962 splits a tree of n leaves. */
export function splitPoint (n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

export const isPowerOfTwo = (n: number): boolean => n >= 1 && 2 ** Math.round(Math.log2(n)) === n

/** MTH(D[start:end]) over leaf hashes held in memory. */
export function treeHash (leaves: readonly Buffer[], start = 0, end = leaves.length): Buffer {
  const n = end - start
  if (n === 0) return EMPTY_ROOT
  if (n === 1) return leaves[start] as Buffer
  const k = splitPoint(n)
  return nodeHash(treeHash(leaves, start, start + k), treeHash(leaves, start + k, end))
}

/** The subtrees whose hashes form the audit path of leaf m in a tree of n leaves, nearest the leaf first (PATH(m, D[n])). */
export function auditPathSpans (m: number, n: number, offset = 0): Span[] {
  if (m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n} leaves`)
  if (n === 1) return []
  const k = splitPoint(n)
  return m < k
    ? [...auditPathSpans(m, k, offset), [offset + k, offset + n]]
    : [...auditPathSpans(m - k, n - k, offset + k), [offset, offset + k]]
}

/** The subtrees of the consistency proof between sizes m and n (PROOF(m, D[n]), RFC 6962 §2.1.2), 0 < m ≤ n. */
export function consistencySpans (m: number, n: number): Span[] {
  if (m <= 0 || m > n) throw new RangeError(`no consistency proof from ${m} to ${n} leaves`)
  const sub = (m: number, n: number, offset: number, whole: boolean): Span[] => {
    if (m === n) return whole ? [] : [[offset, offset + n]]
    const k = splitPoint(n)
    return m <= k
      ? [...sub(m, k, offset, whole), [offset + k, offset + n]]
      : [...sub(m - k, n - k, offset + k, false), [offset, offset + k]]
  }
  return sub(m, n, 0, true)
}

export const auditPath = (m: number, leaves: readonly Buffer[]): Buffer[] =>
  auditPathSpans(m, leaves.length).map(([s, e]) => treeHash(leaves, s, e))

export const consistencyProof = (m: number, leaves: readonly Buffer[]): Buffer[] =>
  consistencySpans(m, leaves.length).map(([s, e]) => treeHash(leaves, s, e))

/** The root an audit path leads to (RFC 9162 §2.1.3.2), or undefined if the path cannot belong to such a tree. */
export function rootFromAuditPath (leaf: Buffer, index: number, size: number, path: readonly Buffer[]): Buffer | undefined {
  if (index < 0 || index >= size) return undefined
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of path) {
    if (sn === 0) return undefined
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) { fn /= 2; sn = Math.floor(sn / 2) }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 ? r : undefined
}

export function verifyInclusion (leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  const computed = rootFromAuditPath(leaf, index, size, path)
  return computed !== undefined && computed.equals(root)
}

/** Checks that the tree of n leaves with newRoot extends the tree of m leaves with oldRoot (RFC 9162 §2.1.4.2). */
export function verifyConsistency (m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (m <= 0 || m > n) return false
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot)
  if (proof.length === 0) return false
  const path = isPowerOfTwo(m) ? [oldRoot, ...proof] : [...proof]
  let fn = m - 1
  let sn = n - 1
  while (fn % 2 === 1) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2) }
  let fr = path[0] as Buffer
  let sr = fr
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) { fn /= 2; sn = Math.floor(sn / 2) }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot)
}
