import { sameCheckpoint, type SignedCheckpoint } from './checkpoint.ts'
import type { CheckpointLine, TenantLines } from './checkpoint-file.ts'
import type { Problem } from './schemas.ts'
import type { LeafRecord } from './types.ts'

/** A leaf whose event no longer hashes to it; `found` is the leaf hash of what is stored now. */
export interface Mismatch { seq: number, eventId: string, index: string, found: string }

/**
 * Compares each leaf with the leaf hash of what is stored under its event id (undefined: nothing is). An event
 * retention removed with its partition is expected to be gone: it is counted, not reported.
 */
export function compareContents (leaves: readonly LeafRecord[], stored: ReadonlyArray<string | undefined>, retired: (leaf: LeafRecord) => boolean = () => false): { deleted: Problem[], mismatches: Mismatch[], expired: number } {
  const deleted: Problem[] = []
  const mismatches: Mismatch[] = []
  let expired = 0
  leaves.forEach((leaf, i) => {
    const found = stored[i]
    if (found === undefined && retired(leaf)) {
      expired++
    } else if (found === undefined) {
      deleted.push({ kind: 'deleted', seq: leaf.seq, eventId: leaf.eventId, index: leaf.eventIndex, detail: `event ${leaf.eventId} (seq ${leaf.seq}) is no longer in ${leaf.eventIndex}` })
    } else if (found !== leaf.leaf) {
      mismatches.push({ seq: leaf.seq, eventId: leaf.eventId, index: leaf.eventIndex, found })
    }
  })
  return { deleted, mismatches, expired }
}

/**
 * A changed event whose content is that of another leaf was moved (e.g. two documents swapped), not edited:
 * `seqByLeaf` maps leaf hashes of the log to their positions.
 */
export function classifyMismatches (mismatches: readonly Mismatch[], seqByLeaf: ReadonlyMap<string, number>): Problem[] {
  return mismatches.map(m => {
    const other = seqByLeaf.get(m.found)
    return other !== undefined && other !== m.seq
      ? { kind: 'reordered', seq: m.seq, eventId: m.eventId, index: m.index, foundSeq: other, detail: `the event stored as ${m.eventId} (seq ${m.seq}) has the content sealed at seq ${other}` }
      : { kind: 'modified', seq: m.seq, eventId: m.eventId, index: m.index, detail: `event ${m.eventId} (seq ${m.seq}) was changed after it was sealed` }
  })
}

/** Follows sequence numbers as leaves stream in order: each position must hold exactly one leaf. */
export class SequenceCheck {
  readonly problems: Problem[] = []
  constructor (private next: number) {}

  /** False when the leaf repeats a position already seen (it must then be left out of the tree). */
  accept (leaf: LeafRecord): boolean {
    if (leaf.seq < this.next) {
      this.problems.push({ kind: 'leaf_log_altered', seq: leaf.seq, eventId: leaf.eventId, detail: `a second leaf holds seq ${leaf.seq} (event ${leaf.eventId})` })
      return false
    }
    for (let seq = this.next; seq < leaf.seq; seq++) this.missing(seq)
    this.next = leaf.seq + 1
    return true
  }

  /** Positions up to `end` (exclusive) that never came. */
  finish (end: number): void {
    for (let seq = this.next; seq < end; seq++) this.missing(seq)
    this.next = Math.max(this.next, end)
  }

  private missing (seq: number): void {
    this.problems.push({ kind: 'leaf_log_altered', seq, detail: `no leaf holds seq ${seq}` })
  }
}

/**
 * Checks the latest checkpoint in Elasticsearch against the checkpoint file (undefined: no file) and both
 * signatures. The anchor is the largest checkpoint whose signature holds: the root the leaves must lead to.
 */
export function checkCheckpoints (es: SignedCheckpoint | undefined, file: TenantLines | undefined, verifies: (cp: SignedCheckpoint) => boolean): { problems: Problem[], anchor?: SignedCheckpoint } {
  const problems: Problem[] = []
  const bad = (cp: SignedCheckpoint, source: 'index' | 'file'): void => {
    problems.push({ kind: 'bad_signature', source, size: cp.size, detail: `the checkpoint of size ${cp.size} in the ${source === 'index' ? 'index' : 'file'} does not verify with key ${cp.keyId} (altered, or signed by a key not trusted here)` })
  }
  const mismatch = (source: 'index' | 'file', size: number, detail: string): void => { problems.push({ kind: 'checkpoint_mismatch', source, size, detail }) }

  if (es !== undefined && !verifies(es)) bad(es, 'index')
  if (file === undefined) {
    if (es !== undefined) mismatch('file', es.size, 'the checkpoint file does not exist on this host')
  } else {
    if (es !== undefined && file.same === undefined) mismatch('file', es.size, `the checkpoint of size ${es.size} made at ${es.time} is not in the checkpoint file`)
    if (es !== undefined && file.same !== undefined && !sameCheckpoint(file.same, es)) mismatch('file', es.size, `the checkpoint of size ${es.size} differs between Elasticsearch and the checkpoint file`)
    if (file.latest !== undefined && (es === undefined || file.latest.size > es.size)) {
      mismatch('index', file.latest.size, `the checkpoint file holds a checkpoint of size ${file.latest.size} that Elasticsearch lacks`)
    }
    const lines = [file.same, file.latest].filter((l, i, all): l is CheckpointLine => l !== undefined && (i === 0 || all[0] === undefined || !sameCheckpoint(all[0], l)))
    for (const line of lines) if (!verifies(line)) bad(line, 'file')
  }
  const valid = [file?.latest, file?.same, es].filter((cp): cp is SignedCheckpoint => cp !== undefined && verifies(cp))
  const anchor = valid.reduce<SignedCheckpoint | undefined>((best, cp) => best === undefined || cp.size > best.size ? cp : best, undefined)
  return anchor === undefined ? { problems } : { problems, anchor }
}

/** Stored events of the tenant that the log does not hold where they are stored. */
export function insertions (events: ReadonlyArray<{ id: string, index: string }>, leaves: ReadonlyMap<string, LeafRecord>): Problem[] {
  const problems: Problem[] = []
  for (const e of events) {
    const leaf = leaves.get(e.id)
    if (leaf === undefined) problems.push({ kind: 'inserted', eventId: e.id, index: e.index, detail: `event ${e.id} in ${e.index} is not in the log` })
    else if (leaf.eventIndex !== e.index) problems.push({ kind: 'inserted', eventId: e.id, index: e.index, seq: leaf.seq, detail: `event ${e.id} in ${e.index} is a copy: the log holds it in ${leaf.eventIndex}` })
  }
  return problems
}
