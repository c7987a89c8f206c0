import { EMPTY_ROOT, nodeHashHex } from './merkle.ts'

/**
 * Subtrees of at least 2^NODE_MIN_LEVEL leaves are stored as nodes, so a root or a proof needs O(log n)
 * stored nodes and at most a few hundred leaves instead of the whole log (one node per ~128 leaves).
 */
export const NODE_MIN_LEVEL = 8

/** A perfect subtree of 2^level leaves starting at leaf index * 2^level. */
export interface Node { level: number, index: number, hash: Buffer }

export const nodeStart = (level: number, index: number): number => index * 2 ** level
export const nodeEnd = (level: number, index: number): number => (index + 1) * 2 ** level

/** The aligned perfect subtrees that tile [start, end), largest first where alignment allows. */
export function perfectBlocks (start: number, end: number): Array<{ level: number, index: number }> {
  const blocks: Array<{ level: number, index: number }> = []
  let at = start
  while (at < end) {
    let level = 0
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++
    blocks.push({ level, index: at / 2 ** level })
    at += 2 ** level
  }
  return blocks
}

/**
 * The right edge of an append-only Merkle tree: the roots of the perfect subtrees that make up its n leaves
 * (one per bit of n). Appending costs one hash per level merged; the RFC 6962 root is these folded right to left.
 * Hashes are kept in hex, the cheapest form to hash from and to (see nodeHashHex).
 */
export class Frontier {
  private constructor (private readonly stack: Array<{ level: number, hash: string }>, private count: number) {}

  static empty (): Frontier { return new Frontier([], 0) }

  /** Rebuilds the frontier of a tree of `size` leaves from the hashes of perfectBlocks(0, size), in order. */
  static of (size: number, blockHashes: readonly Buffer[]): Frontier {
    const f = Frontier.empty()
    const blocks = perfectBlocks(0, size)
    if (blocks.length !== blockHashes.length) throw new Error(`a tree of ${size} leaves has ${blocks.length} frontier subtrees, got ${blockHashes.length}`)
    blocks.forEach((b, i) => f.push(b.level, blockHashes[i] as Buffer))
    return f
  }

  get size (): number { return this.count }

  clone (): Frontier { return new Frontier([...this.stack], this.count) }

  /** Appends one leaf hash (hex); returns the stored-size subtrees it completed. */
  append (leaf: string): Node[] {
    return this.add(0, leaf)
  }

  /** Appends a whole perfect subtree; the tree's size must be a multiple of its width. */
  push (level: number, hash: Buffer): Node[] {
    return this.add(level, hash.toString('hex'))
  }

  private add (level: number, hash: string): Node[] {
    const width = 2 ** level
    if (this.count % width !== 0) throw new Error(`a subtree of ${width} leaves cannot start at leaf ${this.count}`)
    this.stack.push({ level, hash })
    this.count += width
    const completed: Node[] = []
    for (;;) {
      const right = this.stack[this.stack.length - 1]
      const left = this.stack[this.stack.length - 2]
      if (right === undefined || left === undefined || left.level !== right.level) break
      this.stack.length -= 2
      const merged = { level: left.level + 1, hash: nodeHashHex(left.hash, right.hash) }
      this.stack.push(merged)
      if (merged.level >= NODE_MIN_LEVEL) completed.push({ level: merged.level, index: this.count / 2 ** merged.level - 1, hash: Buffer.from(merged.hash, 'hex') })
    }
    return completed
  }

  root (): Buffer {
    const top = this.stack[this.stack.length - 1]
    if (top === undefined) return EMPTY_ROOT
    let r = top.hash
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHashHex((this.stack[i] as { hash: string }).hash, r)
    return Buffer.from(r, 'hex')
  }
}
