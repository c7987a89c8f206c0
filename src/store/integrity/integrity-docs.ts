import { eventKey } from '../events/event-key.ts'
import type { LeafRecord, LeafRun, SealEntry } from '../../integrity/types.ts'
import type { SignedCheckpoint } from '../../integrity/checkpoint.ts'

// The documents of the integrity indices (blocks of leaves and checkpoints) and their encoding; no requests here.

/**
 * Consecutive leaves of one tenant's log written by one seal; leaf i is seq start + i. A block rather than a
 * document per leaf: the log costs Elasticsearch one small document per thousand events, not one per event.
 * Hashes and partition numbers are packed into two base64 strings, one value each instead of a thousand: 55
 * bytes per leaf on disk instead of 77, and no dearer to parse. Blocks written before the packing hold
 * `leaves` and `partition_of` arrays instead, and are read as well.
 */
export interface BlockSource {
  tenant: string
  start: number
  end: number
  count: number
  /** The leaves' event ids, in order (kept in the source, not indexed). */
  leaf_events?: string[]
  /** eventKey of each of them: indexed, to find the blocks that may hold an event. */
  leaf_keys?: number[]
  /** Blocks written before the keys hold their event ids here, indexed. */
  event_ids?: string[]
  /** Distinct partitions of the block's events; each leaf points into it. */
  partitions: string[]
  /** The leaves' hashes, 32 bytes each, in order (base64). */
  leaf_hashes?: string
  /** Per leaf, its index in `partitions` as a 16-bit little-endian number (base64). */
  leaf_partitions?: string
  /** The earlier layout: hashes in hex and partition numbers, one array element per leaf. */
  leaves?: string[]
  partition_of?: number[]
  sealed_at: string
}
/** A signed checkpoint as stored, under `<tenant>:<size>`. */
export interface CheckpointSource { tenant: string, size: number, root: string, time: string, key_id: string, signature: string, origin?: string, note_signature?: string }

/** Most leaves in one block (about 80 kB of source). */
export const BLOCK_LEAVES = 1024
const HASH_BYTES = 32
export const blockId = (tenant: string, start: number): string => `${tenant}:${start}`
export const toCheckpoint = (s: CheckpointSource): SignedCheckpoint => ({
  tenant: s.tenant, size: s.size, root: s.root, time: s.time, keyId: s.key_id, signature: s.signature,
  ...(s.origin === undefined ? {} : { origin: s.origin }), ...(s.note_signature === undefined ? {} : { noteSignature: s.note_signature })
})
/** Hex of each 32-byte hash packed in a block; a cut-short tail stays a short (so mismatching) hash. */
function unpackHashes (packed: string): string[] {
  const bytes = Buffer.from(packed, 'base64')
  const out: string[] = []
  for (let at = 0; at < bytes.length; at += HASH_BYTES) out.push(bytes.toString('hex', at, Math.min(at + HASH_BYTES, bytes.length)))
  return out
}

function unpackPartitions (packed: string): number[] {
  const bytes = Buffer.from(packed, 'base64')
  return Array.from({ length: bytes.length >> 1 }, (_, i) => bytes.readUInt16LE(i * 2))
}

export const idsOf = (b: BlockSource): string[] => b.leaf_events ?? b.event_ids ?? []

/** The leaves a block holds, numbered from its start (a block altered to hold more or fewer shows as holes or repeats). */
export function leavesOf (b: BlockSource): LeafRecord[] {
  const hashes = b.leaf_hashes === undefined ? b.leaves ?? [] : unpackHashes(b.leaf_hashes)
  const partitionOf = b.leaf_partitions === undefined ? b.partition_of ?? [] : unpackPartitions(b.leaf_partitions)
  const ids = idsOf(b)
  return hashes.map((leaf, i) => ({
    tenant: b.tenant, seq: b.start + i, eventId: ids[i] ?? '', eventIndex: b.partitions[partitionOf[i] ?? -1] ?? '', leaf, sealedAt: b.sealed_at
  }))
}

/** A run of leaves as written: consecutive positions of one tenant's log, sealed at one time. */
export type StoredRun = LeafRun & { sealedAt: string }

/**
 * Splits runs of leaves into blocks at every multiple of BLOCK_LEAVES. Aligned boundaries make two writes of
 * the same positions (a stale sealer, a bulk that landed after its timeout) use the same block ids, so the
 * second is refused (409) instead of overlapping.
 */
export function toBlocks (runs: readonly StoredRun[]): BlockSource[] {
  const blocks: BlockSource[] = []
  for (const run of runs) {
    for (let from = 0; from < run.entries.length;) {
      const start = run.start + from
      const count = Math.min(run.entries.length - from, BLOCK_LEAVES - start % BLOCK_LEAVES)
      blocks.push(toBlock(run, from, count))
      from += count
    }
  }
  return blocks
}

function toBlock (run: StoredRun, from: number, count: number): BlockSource {
  const start = run.start + from
  const hashes = Buffer.allocUnsafe(count * HASH_BYTES)
  const partitionOf = Buffer.allocUnsafe(count * 2)
  const ids = new Array<string>(count)
  const keys = new Array<number>(count)
  const partitions: string[] = []
  let p = -1
  for (let i = 0; i < count; i++) {
    const e = run.entries[from + i] as SealEntry
    ids[i] = e.id
    keys[i] = eventKey(e.id)
    // Decoding stops at the first character that is not hex: a leaf is refused before anything is written.
    if (e.leaf.length !== 2 * HASH_BYTES || hashes.write(e.leaf, i * HASH_BYTES, HASH_BYTES, 'hex') !== HASH_BYTES) {
      throw new Error(`the leaf of ${run.tenant}/${e.id} is not a SHA-256 hash in hex`)
    }
    if (partitions[p] !== e.index) {
      p = partitions.indexOf(e.index)
      if (p < 0) p = partitions.push(e.index) - 1
    }
    partitionOf.writeUInt16LE(p, i * 2)
  }
  return {
    tenant: run.tenant, start, end: start + count, count, leaf_events: ids, leaf_keys: keys, partitions,
    leaf_hashes: hashes.toString('base64'), leaf_partitions: partitionOf.toString('base64'), sealed_at: run.sealedAt
  }
}

/** Leaves in log order as runs: a new one at each change of tenant, gap in seq or seal time. */
export function toRuns (leaves: readonly LeafRecord[]): StoredRun[] {
  const runs: StoredRun[] = []
  let run: StoredRun | undefined
  for (const l of leaves) {
    if (run === undefined || run.tenant !== l.tenant || run.start + run.entries.length !== l.seq || run.sealedAt !== l.sealedAt) {
      runs.push(run = { tenant: l.tenant, start: l.seq, sealedAt: l.sealedAt, entries: [] })
    }
    run.entries.push({ tenant: l.tenant, id: l.eventId, index: l.eventIndex, leaf: l.leaf })
  }
  return runs
}
