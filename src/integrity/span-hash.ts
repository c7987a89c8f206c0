import { isPowerOfTwo, nodeHash, splitPoint, type Span } from './merkle.ts'
import { NODE_MIN_LEVEL, type Node } from './frontier.ts'

/**
 * Hashes of subtrees of a log that lives in a store, computed from what has been fetched so far: stored nodes
 * where they exist, leaves below them. Stored nodes are a cache: a missing one is rebuilt from its children.
 * `missing` plans the next fetch; `hash` evaluates once nothing is missing. Pure: the fetching is the caller's.
 */
export class KnownHashes {
  readonly leaves = new Map<number, Buffer>()
  /** Leaves asked for and not found: the log lost them. */
  readonly absentLeaves = new Set<number>()
  /** Stored nodes by `level:index`; null once known not to be stored. */
  readonly nodes = new Map<string, Buffer | null>()
  /** Nodes that were not stored and had to be rebuilt (worth storing again). */
  readonly rebuilt: Node[] = []
}

export const nodeKey = (level: number, index: number): string => `${level}:${index}`

export interface Needs {
  nodes: Array<{ level: number, index: number }>
  /** Contiguous runs of leaf positions to fetch, [start, end). */
  leaves: Span[]
}

export class LeafMissingError extends Error {
  constructor (readonly seq: number) { super(`leaf ${seq} is missing from the log`) }
}

/** What must still be fetched to hash every span. Spans must be subtrees of the log's RFC 6962 tree. */
export function missing (spans: readonly Span[], known: KnownHashes): Needs {
  const nodes = new Map<string, { level: number, index: number }>()
  const leaves: number[] = []
  const walk = (start: number, end: number): void => {
    const n = end - start
    if (n === 1) {
      if (!known.leaves.has(start) && !known.absentLeaves.has(start)) leaves.push(start)
      return
    }
    if (isPowerOfTwo(n) && Math.log2(n) >= NODE_MIN_LEVEL) {
      const level = Math.log2(n)
      const index = start / n
      const node = known.nodes.get(nodeKey(level, index))
      if (node === undefined) { nodes.set(nodeKey(level, index), { level, index }); return }
      if (node !== null) return
    }
    const k = splitPoint(n)
    walk(start, start + k)
    walk(start + k, end)
  }
  for (const [s, e] of spans) if (e > s) walk(s, e)
  return { nodes: [...nodes.values()], leaves: runs(leaves) }
}

/** The hash of one span; every part must be known (see `missing`). Throws LeafMissingError if the log lost a leaf. */
export function spanHash (span: Span, known: KnownHashes): Buffer {
  const [start, end] = span
  const n = end - start
  if (n < 1) throw new RangeError('an empty span has no subtree hash')
  if (n === 1) {
    const leaf = known.leaves.get(start)
    if (leaf === undefined) throw new LeafMissingError(start)
    return leaf
  }
  const stored = isPowerOfTwo(n) && Math.log2(n) >= NODE_MIN_LEVEL ? known.nodes.get(nodeKey(Math.log2(n), start / n)) : undefined
  if (stored !== undefined && stored !== null) return stored
  const k = splitPoint(n)
  const hash = nodeHash(spanHash([start, start + k], known), spanHash([start + k, end], known))
  if (stored === null) {
    const level = Math.log2(n)
    const index = start / n
    known.nodes.set(nodeKey(level, index), hash)
    known.rebuilt.push({ level, index, hash })
  }
  return hash
}

function runs (positions: number[]): Span[] {
  const sorted = [...new Set(positions)].sort((a, b) => a - b)
  const out: Array<[number, number]> = []
  for (const p of sorted) {
    const last = out[out.length - 1]
    if (last !== undefined && last[1] === p) last[1] = p + 1
    else out.push([p, p + 1])
  }
  return out
}
