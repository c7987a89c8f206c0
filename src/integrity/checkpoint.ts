import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalize } from './canonical.ts'
import { checkpointNoteText, signNoteText } from './note.ts'

/** What a checkpoint asserts: the log of `tenant` had `size` leaves with this root at `time`. */
export interface CheckpointBody {
  tenant: string
  size: number
  /** RFC 6962 tree hash of the first `size` leaves, hex. */
  root: string
  /** ISO 8601, UTC. */
  time: string
}

export interface SignedCheckpoint extends CheckpointBody {
  /** Which key signed it: the first 16 hex digits of SHA-256 over the raw 32-byte Ed25519 public key. */
  keyId: string
  /** Ed25519 over checkpointMessage(body), base64. */
  signature: string
  /** The origin line of the same checkpoint as a C2SP signed note (absent on checkpoints made before notes). */
  origin?: string
  /** Ed25519 over the note text (checkpointNoteText), base64. */
  noteSignature?: string
}

/**
 * The signed bytes: the canonical JSON of the four fields, i.e. `{"root":…,"size":…,"tenant":…,"time":…}`
 * with no spaces. Anyone can rebuild it from a checkpoint without this code.
 */
export function checkpointMessage (body: CheckpointBody): Buffer {
  return Buffer.from(canonicalize({ tenant: body.tenant, size: body.size, root: body.root, time: body.time }), 'utf8')
}

export function rawPublicKey (key: KeyObject): Buffer {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || jwk.x === undefined) throw new Error('not an Ed25519 key')
  return Buffer.from(jwk.x, 'base64url')
}

export function keyIdOf (key: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(key)).digest('hex').slice(0, 16)
}

/** Signs the checkpoint, and with an origin, its signed-note form too (the same key, over the note text). */
export function signCheckpoint (body: CheckpointBody, privateKey: KeyObject, origin?: string): SignedCheckpoint {
  return {
    tenant: body.tenant,
    size: body.size,
    root: body.root,
    time: body.time,
    keyId: keyIdOf(privateKey),
    signature: sign(null, checkpointMessage(body), privateKey).toString('base64'),
    ...(origin === undefined ? {} : { origin, noteSignature: signNoteText(checkpointNoteText(origin, body.size, body.root), privateKey) })
  }
}

/** True when the signature is by this key over exactly these fields, and so is the note signature, if any. */
export function verifyCheckpoint (cp: SignedCheckpoint, publicKey: KeyObject): boolean {
  try {
    if (!verify(null, checkpointMessage(cp), publicKey, Buffer.from(cp.signature, 'base64'))) return false
    if (cp.origin === undefined && cp.noteSignature === undefined) return true
    if (cp.origin === undefined || cp.noteSignature === undefined) return false
    return verify(null, Buffer.from(checkpointNoteText(cp.origin, cp.size, cp.root)), publicKey, Buffer.from(cp.noteSignature, 'base64'))
  } catch {
    return false
  }
}

export const sameCheckpoint = (a: SignedCheckpoint, b: SignedCheckpoint): boolean =>
  a.tenant === b.tenant && a.size === b.size && a.root === b.root && a.time === b.time && a.keyId === b.keyId && a.signature === b.signature &&
  a.origin === b.origin && a.noteSignature === b.noteSignature
