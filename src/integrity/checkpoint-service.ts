import { NotFoundError, ValidationError } from '../errors.ts'
import { rawPublicKey, type SignedCheckpoint } from './checkpoint.ts'
import { consistencySpans, verifyConsistency } from './merkle.ts'
import { checkpointNoteText, formatNote, noteVerifierKey } from './note.ts'
import type { CheckpointList, ConsistencyProof, LatestCheckpoint } from './log-schemas.ts'
import { spanHashes, type TreeSource } from './tree-reader.ts'
import type { TrustedKeys } from './trusted-keys.ts'

/** The reads of checkpoints and of the log's tree these answers need; IntegrityStore provides them. */
export interface CheckpointReads extends TreeSource {
  latestCheckpoint: (tenant: string) => Promise<SignedCheckpoint | undefined>
  checkpointAt: (tenant: string, size: number) => Promise<SignedCheckpoint | undefined>
  checkpointPage: (tenant: string, atMost: number, limit: number) => Promise<SignedCheckpoint[]>
}

export interface CheckpointDeps { store: CheckpointReads, keys: TrustedKeys }

/** The stored log contradicts its signed checkpoints: an answer would not verify. */
export class IntegrityConflictError extends Error {
  readonly statusCode = 409
}

/** The tenant's checkpoints, largest first, `limit` per page from size `from` down. */
export async function listCheckpoints ({ store, keys }: CheckpointDeps, tenant: string, from: number | undefined, limit: number): Promise<CheckpointList> {
  const page = await store.checkpointPage(tenant, from ?? Number.MAX_SAFE_INTEGER, limit + 1)
  const shown = page.slice(0, limit)
  return { tenant, checkpoints: shown.map(cp => ({ ...cp, verified: keys.verifies(cp) })), next: page[limit]?.size ?? null }
}

/** A checkpoint with the public key that signed it; 409 when no trusted key verifies it. */
function keyed (keys: TrustedKeys, cp: SignedCheckpoint): SignedCheckpoint & { publicKey: string } {
  const key = keys.keyFor(cp.keyId)
  if (key === undefined || !keys.verifies(cp)) {
    throw new IntegrityConflictError(`the checkpoint of size ${cp.size} of tenant "${cp.tenant}" does not verify with a trusted key (key ${cp.keyId}); run a verification, or trust that key (SILLAGE_VERIFY_KEYS)`)
  }
  return { ...cp, publicKey: rawPublicKey(key).toString('base64') }
}

/** The checkpoint as a C2SP signed note, or undefined for one made before notes. */
function noteOf (keys: TrustedKeys, cp: SignedCheckpoint): { note: string, noteVerifierKey: string } | undefined {
  const key = keys.keyFor(cp.keyId)
  if (cp.origin === undefined || cp.noteSignature === undefined || key === undefined) return undefined
  return { note: formatNote(checkpointNoteText(cp.origin, cp.size, cp.root), cp.origin, key, cp.noteSignature), noteVerifierKey: noteVerifierKey(cp.origin, key) }
}

/** The tenant's latest signed checkpoint, with its key and its signed-note form. */
export async function latestCheckpoint ({ store, keys }: CheckpointDeps, tenant: string): Promise<LatestCheckpoint> {
  const cp = await store.latestCheckpoint(tenant)
  if (cp === undefined) throw new NotFoundError(`tenant "${tenant}" has no signed checkpoint yet (no event sealed, or the first checkpoint is not made yet)`)
  return { ...keyed(keys, cp), ...noteOf(keys, cp) }
}

/** The latest checkpoint as a signed note; 409 for a checkpoint made before notes. */
export function noteText (keys: TrustedKeys, cp: SignedCheckpoint): string {
  const note = noteOf(keys, cp)
  if (note === undefined) throw new IntegrityConflictError(`the checkpoint of size ${cp.size} of tenant "${cp.tenant}" was signed before checkpoints had a signed-note form; the next checkpoint will have one`)
  return note.note
}

async function checkpointOfSize (store: CheckpointReads, tenant: string, size: number, param: string): Promise<SignedCheckpoint> {
  const cp = await store.checkpointAt(tenant, size)
  if (cp === undefined) throw new NotFoundError(`tenant "${tenant}" has no checkpoint of size ${size} (${param}); list them with GET /v1/integrity/checkpoints`)
  return cp
}

/**
 * The RFC 6962 consistency proof from the checkpoint of size `from` to that of size `to` (default the latest),
 * computed from the stored log and checked against both signed roots before it is given.
 */
export async function consistencyProof ({ store, keys }: CheckpointDeps, tenant: string, from: number, to?: number): Promise<ConsistencyProof> {
  const newer = to === undefined ? await store.latestCheckpoint(tenant) : await checkpointOfSize(store, tenant, to, 'to')
  if (newer === undefined) throw new NotFoundError(`tenant "${tenant}" has no signed checkpoint yet`)
  if (from > newer.size) {
    throw new ValidationError([{ index: 0, path: '/querystring/from', message: `must be at most ${newer.size}, the size of the newer checkpoint` }], 'the consistency request is invalid')
  }
  const older = from === 0 ? undefined : await checkpointOfSize(store, tenant, from, 'from')
  const newKeyed = keyed(keys, newer)
  const oldKeyed = older === undefined ? null : keyed(keys, older)
  let proof: Buffer[] = []
  if (older !== undefined && from < newer.size) {
    try {
      proof = await spanHashes(store, tenant, consistencySpans(from, newer.size))
    } catch (err) {
      throw new IntegrityConflictError(`the log of tenant "${tenant}" cannot prove consistency (${(err as Error).message}); run a verification`)
    }
  }
  if (older !== undefined && !verifyConsistency(from, newer.size, Buffer.from(older.root, 'hex'), Buffer.from(newer.root, 'hex'), proof)) {
    throw new IntegrityConflictError(`the stored log of tenant "${tenant}" does not lead from the checkpoint of size ${from} to the checkpoint of size ${newer.size}; run a verification`)
  }
  return { tenant, from, to: newer.size, proof: proof.map(h => h.toString('hex')), old: oldKeyed, new: newKeyed }
}

/** The body of a C2SP tlog-witness add-checkpoint request: `old <size>`, the proof in base64, a blank line, the newer checkpoint's note. */
export function witnessRequest (keys: TrustedKeys, c: ConsistencyProof): string {
  const proof = c.proof.map(h => Buffer.from(h, 'hex').toString('base64') + '\n').join('')
  return `old ${c.from}\n${proof}\n${noteText(keys, c.new)}`
}
