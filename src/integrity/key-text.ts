import type { KeyObject } from 'node:crypto'

/**
 * An Ed25519 key as configuration gives it: a PEM (environment variables often carry literal "\n") or the
 * strict base64 of its 32 raw bytes, turned into a key object by `fromPem` / `fromRaw`. Throws `notKey` when
 * the text is neither, and when the key is not Ed25519.
 */
export function parseEd25519Text (text: string, fromPem: (pem: string) => KeyObject, fromRaw: (bytes: Buffer) => KeyObject, notKey: string): KeyObject {
  const trimmed = text.trim()
  let key: KeyObject
  if (trimmed.startsWith('-----BEGIN')) {
    key = fromPem(trimmed.replace(/\\n/g, '\n'))
  } else {
    const raw = Buffer.from(trimmed, 'base64')
    if (raw.length !== 32 || raw.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) throw new Error(notKey)
    key = fromRaw(raw)
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'unknown'}`)
  return key
}
