import type { EntitiesStore, Versioned } from '../store/entities-store.ts'
import { fromDoc, toDoc, type EntityDoc } from './codec.ts'
import { emptyState, entityId, type EntityState } from './model.ts'

export interface Target { id: string, current: Versioned | undefined, next: EntityState }

/** The stored state of a document read from the store (a new, empty one when there is none). */
export function stateOf (v: Versioned | undefined, like: Pick<EntityState, 'tenant' | 'kind' | 'key'>): EntityState {
  return v === undefined ? emptyState(like.tenant, like.kind, like.key) : fromDoc(v.source as unknown as EntityDoc)
}

/**
 * Writes new states, each only if its document has not changed since it was read. Returns the ids that
 * changed meanwhile (to be read and merged again); other failures throw.
 */
export async function writeStates (store: EntitiesStore, targets: readonly Target[]): Promise<Set<string>> {
  const results = await store.write(targets.map(t => ({ id: t.id, doc: toDoc(t.next), ...(t.current === undefined ? {} : { version: { seqNo: t.current.seqNo, primaryTerm: t.current.primaryTerm } }) })))
  const conflicts = new Set<string>()
  const failures: string[] = []
  results.forEach((r, i) => {
    if (r.ok) return
    if (r.conflict) conflicts.add((targets[i] as Target).id)
    else failures.push(`${r.status} ${r.reason}`)
  })
  if (failures.length > 0) throw new Error(`entity writes failed (${failures.length}): ${failures[0] ?? ''}`)
  return conflicts
}

export interface Change<D> { id: string, like: Pick<EntityState, 'tenant' | 'kind' | 'key'>, delta: D }

/**
 * Read, merge, write with optimistic concurrency, and again for documents another writer changed in between
 * (merges are commutative, so whoever writes first, the result is the same).
 */
export async function updateEntities<D> (store: EntitiesStore, changes: ReadonlyArray<Change<D>>, combine: (current: EntityState, delta: D) => EntityState, rounds = 20): Promise<void> {
  let pending = changes
  for (let round = 0; pending.length > 0; round++) {
    if (round === rounds) throw new Error(`entity writes kept conflicting after ${rounds} rounds (${pending.length} documents)`)
    const current = await store.read(pending.map(c => c.id))
    const targets = pending.map((c, i) => ({ id: c.id, current: current[i], next: combine(stateOf(current[i], c.like), c.delta) }))
    const conflicts = await writeStates(store, targets)
    pending = pending.filter(c => conflicts.has(c.id))
  }
}

export const idOf = (s: Pick<EntityState, 'tenant' | 'kind' | 'key'>): string => entityId(s.tenant, s.kind, s.key)
