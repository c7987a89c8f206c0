import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto'

/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), the format transparency-log
 * tooling and witnesses read: the note text is the origin, the tree size and the base64 root, one per line;
 * then a blank line and `— <key name> <base64(key id || Ed25519 signature)>`. The key name is the origin.
 */

/** The signature line starts with an em dash (U+2014) and a space. */
const DASH = '\u2014 '
/** Signature type of Ed25519 in key ids and verifier keys. */
const ED25519 = 0x01
const MAX_NOTE = 16_384

function rawKey (key: KeyObject): Buffer {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' })
  if (jwk.crv !== 'Ed25519' || jwk.x === undefined) throw new Error('not an Ed25519 key')
  return Buffer.from(jwk.x, 'base64url')
}

/**
 * A valid origin or key name: not empty, no Unicode space, no "+", no control character; and not starting with
 * "{", so that the note text can never be mistaken for the JSON message the same key signs.
 */
export function noteNameProblem (name: string): string | undefined {
  if (name === '') return 'must not be empty'
  if (name.length > 200) return 'must be at most 200 characters'
  if (/[\s+\p{Cc}\p{Z}]/u.test(name)) return 'must contain no space, "+" or control character'
  if (name.startsWith('{')) return 'must not start with "{"'
  return undefined
}

/** The origin of a tenant's log: one log per tenant, so one origin each (witnesses track a log by its origin). */
export const tenantOrigin = (base: string, tenant: string): string => `${base}/${tenant}`

/** The note text of a checkpoint (tlog-checkpoint): origin, size in decimal, root in base64, each line ending in a newline. */
export function checkpointNoteText (origin: string, size: number, rootHex: string): string {
  const problem = noteNameProblem(origin)
  if (problem !== undefined) throw new Error(`the checkpoint origin "${origin}" ${problem}`)
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`${size} is not a tree size`)
  const root = Buffer.from(rootHex, 'hex')
  if (root.length !== 32 || root.toString('hex') !== rootHex.toLowerCase()) throw new Error('the root must be a SHA-256 hash in hex')
  return `${origin}\n${size}\n${root.toString('base64')}\n`
}

/** The key id of an Ed25519 note key: the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key). */
export function noteKeyId (name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ED25519])).update(rawKey(publicKey)).digest().subarray(0, 4)
}

/** The verifier key text a witness or a client is configured with: `<name>+<hex key id>+<base64(0x01 || public key)>`. */
export function noteVerifierKey (name: string, publicKey: KeyObject): string {
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), rawKey(publicKey)]).toString('base64')}`
}

/** The Ed25519 signature of a note text (64 bytes, base64): what a checkpoint stores besides its JSON signature. */
export function signNoteText (text: string, privateKey: KeyObject): string {
  return sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64')
}

/** The whole signed note: the text, a blank line, and the signature line of key `name`. */
export function formatNote (text: string, name: string, publicKey: KeyObject, signatureB64: string): string {
  const sig = Buffer.from(signatureB64, 'base64')
  return `${text}\n${DASH}${name} ${Buffer.concat([noteKeyId(name, publicKey), sig]).toString('base64')}\n`
}

export interface ParsedNote { text: string, signatures: Array<{ name: string, keyId: Buffer, signature: Buffer }> }

/** Splits a signed note as the spec reads it (at the last blank line); throws on anything malformed. */
export function parseNote (note: string): ParsedNote {
  if (note.length > MAX_NOTE) throw new Error('the note is too long')
  for (let i = 0; i < note.length; i++) {
    const c = note.charCodeAt(i)
    if (c < 0x20 && c !== 0x0a) throw new Error('a note holds no control character other than newline')
  }
  const split = note.lastIndexOf('\n\n')
  if (split < 0 || !note.endsWith('\n')) throw new Error('a note is a text, a blank line and signature lines, each ending in a newline')
  const text = note.slice(0, split + 1)
  const lines = note.slice(split + 2, -1).split('\n')
  const signatures = lines.map(line => {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line)
    if (m === null) throw new Error(`not a signature line: ${JSON.stringify(line)}`)
    const bytes = Buffer.from(m[2] as string, 'base64')
    if (bytes.length < 5) throw new Error('a signature is a 4-byte key id and the signature')
    return { name: m[1] as string, keyId: bytes.subarray(0, 4), signature: bytes.subarray(4) }
  })
  return { text, signatures }
}

/** True when the note carries a valid Ed25519 signature by this key under this name (other signatures are ignored, as the spec says). */
export function verifyNote (note: string, name: string, publicKey: KeyObject): boolean {
  let parsed: ParsedNote
  try {
    parsed = parseNote(note)
  } catch {
    return false
  }
  const id = noteKeyId(name, publicKey)
  const mine = parsed.signatures.find(s => s.name === name && s.keyId.equals(id))
  return mine !== undefined && mine.signature.length === 64 && verify(null, Buffer.from(parsed.text, 'utf8'), publicKey, mine.signature)
}

/** Reads origin, size and root (hex) back from a checkpoint's note text. */
export function parseCheckpointText (text: string): { origin: string, size: number, root: string, extensions: string[] } {
  const lines = text.split('\n')
  if (lines.pop() !== '' || lines.length < 3 || lines.some(l => l === '')) throw new Error('a checkpoint text is at least three non-empty lines')
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]]
  if (!/^(0|[1-9]\d*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new Error(`"${size}" is not a tree size`)
  const hash = Buffer.from(root, 'base64')
  if (hash.length !== 32 || hash.toString('base64') !== root) throw new Error(`"${root}" is not a base64 SHA-256 hash`)
  return { origin, size: Number(size), root: hash.toString('hex'), extensions }
}
