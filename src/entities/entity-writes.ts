import type { EntitiesStore, Versioned } from '../store/events/entities-store.ts'
import { encodeDoc, fromDoc, type EntityDoc } from './codec.ts'
import { emptyState, entityId, type EntityState } from './model.ts'
import type { StateCache, Version } from './state-cache.ts'

export interface Target { id: string, version: Version | undefined, next: EntityState }

/** The stored state of a document read from the store (a new, empty one when there is none). */
export function stateOf (v: Versioned | undefined, like: Pick<EntityState, 'tenant' | 'kind' | 'key'>): EntityState {
  return v === undefined ? emptyState(like.tenant, like.kind, like.key) : fromDoc(v.source as unknown as EntityDoc)
}

export const versionOf = (v: Versioned | undefined): Version | undefined => v === undefined ? undefined : { seqNo: v.seqNo, primaryTerm: v.primaryTerm }

/**
 * Writes new states, each only if its document has not changed since it was read. Returns the ids that
 * changed meanwhile (to be read and merged again) and the new versions of the others; other failures throw.
 */
export async function writeStates (store: EntitiesStore, targets: readonly Target[]): Promise<{ conflicts: Set<string>, written: Map<string, { version: Version, size: number }> }> {
  const docs = targets.map(t => encodeDoc(t.next))
  const results = await store.write(targets.map((t, i) => ({ id: t.id, doc: docs[i] as string, ...(t.version === undefined ? {} : { version: t.version }) })))
  const conflicts = new Set<string>()
  const written = new Map<string, { version: Version, size: number }>()
  const failures: string[] = []
  results.forEach((r, i) => {
    const id = (targets[i] as Target).id
    if (r.ok) written.set(id, { version: { seqNo: r.seqNo, primaryTerm: r.primaryTerm }, size: (docs[i] as string).length })
    else if (r.conflict) conflicts.add(id)
    else failures.push(`${r.status} ${r.reason}`)
  })
  if (failures.length > 0) throw new Error(`entity writes failed (${failures.length}): ${failures[0] ?? ''}`)
  return { conflicts, written }
}

export interface Change<D> { id: string, like: Pick<EntityState, 'tenant' | 'kind' | 'key'>, delta: D }

/**
 * Read, merge, write with optimistic concurrency, and again for documents another writer changed in between
 * (merges are commutative, so whoever writes first, the result is the same).
 */
export async function updateEntities<D> (store: EntitiesStore, changes: ReadonlyArray<Change<D>>, combine: (current: EntityState, delta: D) => EntityState, cache?: StateCache, rounds = 20): Promise<void> {
  for (let i = 0; i < changes.length; i += CHUNK) await updateChunk(store, changes.slice(i, i + CHUNK), combine, cache, rounds)
}

/** Documents per read and per `_bulk`. */
const CHUNK = 2000

async function updateChunk<D> (store: EntitiesStore, changes: ReadonlyArray<Change<D>>, combine: (current: EntityState, delta: D) => EntityState, cache: StateCache | undefined, rounds: number): Promise<void> {
  let pending = changes
  for (let round = 0; pending.length > 0; round++) {
    if (round === rounds) throw new Error(`entity writes kept conflicting after ${rounds} rounds (${pending.length} documents)`)
    const cached = pending.map(c => cache?.take(c.id))
    const missing = pending.filter((_, i) => cached[i] === undefined)
    const read = await store.read(missing.map(c => c.id))
    let r = 0
    const targets = pending.map((c, i) => {
      const hit = cached[i]
      const current = hit === undefined ? read[r++] : undefined
      const state = hit?.state ?? stateOf(current, c.like)
      return { id: c.id, version: hit?.version ?? versionOf(current), next: combine(state, c.delta) }
    })
    const { conflicts, written } = await writeStates(store, targets)
    if (cache !== undefined) for (const t of targets) { const w = written.get(t.id); if (w !== undefined) cache.put(t.id, { state: t.next, ...w }) }
    pending = pending.filter(c => conflicts.has(c.id))
  }
}

export const idOf = (s: Pick<EntityState, 'tenant' | 'kind' | 'key'>): string => entityId(s.tenant, s.kind, s.key)
