import type { SealEntry } from '../integrity/types.ts'

/**
 * Seal entries as a seal job carries them: columns and one string of hashes instead of thousands of small
 * objects, so the worker writes and parses a few long strings and Redis holds about half the bytes.
 */
export interface PackedEntries {
  tenants: string[]
  partitions: string[]
  /** Per entry, its index in `tenants` and in `partitions`. */
  tenantOf: number[]
  partitionOf: number[]
  ids: string[]
  /** Leaf hashes in hex, 64 characters each, in entry order. */
  leaves: string
  /** Every entry is to be looked up in the log before it is sealed. */
  recheck: boolean
}

/** Jobs queued before the packing held the entries as objects; such jobs may still wait in Redis. */
export interface SealJobData { packed?: PackedEntries, entries?: SealEntry[] }

const HEX_LEAF = 64

function dictionary (values: readonly string[]): { keys: string[], of: number[] } {
  const at = new Map<string, number>()
  const of = values.map(v => {
    let i = at.get(v)
    if (i === undefined) at.set(v, i = at.size)
    return i
  })
  return { keys: [...at.keys()], of }
}

export function packEntries (entries: readonly SealEntry[], recheck: boolean): SealJobData {
  const tenants = dictionary(entries.map(e => e.tenant))
  const partitions = dictionary(entries.map(e => e.index))
  return {
    packed: {
      tenants: tenants.keys,
      partitions: partitions.keys,
      tenantOf: tenants.of,
      partitionOf: partitions.of,
      ids: entries.map(e => e.id),
      leaves: entries.map(e => e.leaf).join(''),
      recheck
    }
  }
}

export function entryCount (data: SealJobData): number {
  return data.packed?.ids.length ?? data.entries?.length ?? 0
}

/**
 * The entries of a seal job; a job whose columns do not line up throws (it then fails and stays in Redis for
 * inspection). Each hash is checked when its block is built, as for any entry.
 */
export function unpackEntries (data: SealJobData): SealEntry[] {
  const p = data.packed
  if (p === undefined) return data.entries ?? []
  const n = p.ids.length
  if (p.leaves.length !== n * HEX_LEAF || p.tenantOf.length !== n || p.partitionOf.length !== n) {
    throw new Error(`seal job holds ${n} ids but ${p.leaves.length / HEX_LEAF} hashes, ${p.tenantOf.length} tenants and ${p.partitionOf.length} partitions`)
  }
  return p.ids.map((id, i) => {
    const tenant = p.tenants[p.tenantOf[i] as number]
    const index = p.partitions[p.partitionOf[i] as number]
    if (tenant === undefined || index === undefined) throw new Error(`seal job entry ${i} names no tenant or partition`)
    return { tenant, id, index, leaf: p.leaves.slice(i * HEX_LEAF, (i + 1) * HEX_LEAF), ...(p.recheck ? { recheck: true as const } : {}) }
  })
}
