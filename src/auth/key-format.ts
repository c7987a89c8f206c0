import { createHash, randomBytes } from 'node:crypto'

/**
 * Managed keys look like `sil_<id>_<secret>`: the id finds the record without a scan, the secret (32 random
 * bytes) is what proves possession. Only the SHA-256 of the whole key is stored: with this much entropy a
 * plain hash cannot be reversed, and it keeps each check to one hash.
 */
const FORMAT = /^sil_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

export function newKey (): { id: string, key: string } {
  const id = randomBytes(8).toString('hex')
  return { id, key: `sil_${id}_${randomBytes(32).toString('base64url')}` }
}

export function keyIdOf (key: string): string | undefined {
  return FORMAT.exec(key)?.[1]
}

export function hashKey (key: string): string {
  return createHash('sha256').update(key).digest('hex')
}
