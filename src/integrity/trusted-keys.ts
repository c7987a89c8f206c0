import { createPublicKey, type KeyObject } from 'node:crypto'
import { keyIdOf, rawPublicKey, verifyCheckpoint, type SignedCheckpoint } from './checkpoint.ts'
import { parseEd25519Text } from './key-text.ts'

/**
 * An Ed25519 public key from configuration: the base64 of the raw 32 bytes (as `GET /v1/integrity/public-key`
 * gives it) or a SubjectPublicKeyInfo PEM. Throws with the reason.
 */
export function parsePublicKey (text: string): KeyObject {
  // A private key PEM would be accepted (its public key derived) and end up on every host that verifies.
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) throw new Error('is a private key: give its public key (GET /v1/integrity/public-key shows it); only the worker holds the private key')
  return parseEd25519Text(text,
    pem => createPublicKey({ key: pem, format: 'pem' }),
    raw => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' }),
    'must be a public key PEM or the base64 of a raw 32-byte Ed25519 public key')
}

/**
 * The public keys whose checkpoints are accepted: the current signing key's, and earlier ones kept after a
 * rotation. Each checkpoint names its key by id, so a log signed across rotations still verifies.
 */
export class TrustedKeys {
  private readonly byId = new Map<string, KeyObject>()
  /** The public key of the current signing key. */
  readonly current: KeyObject

  constructor (current: KeyObject, earlier: readonly KeyObject[] = []) {
    const publicOf = (key: KeyObject): KeyObject => key.type === 'public' ? key : createPublicKey(key)
    this.current = publicOf(current)
    for (const key of [this.current, ...earlier.map(publicOf)]) this.byId.set(keyIdOf(key), key)
  }

  keyFor (keyId: string): KeyObject | undefined {
    return this.byId.get(keyId)
  }

  /** True when a trusted key with the checkpoint's key id signed exactly these fields. */
  verifies (cp: SignedCheckpoint): boolean {
    const key = this.byId.get(cp.keyId)
    return key !== undefined && verifyCheckpoint(cp, key)
  }

  list (): Array<{ keyId: string, publicKey: string }> {
    return [...this.byId].map(([keyId, key]) => ({ keyId, publicKey: rawPublicKey(key).toString('base64') }))
  }
}
