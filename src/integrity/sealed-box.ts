import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from a secret for one purpose, so that one secret can serve
 * several without sharing a key: what the service hands out or keeps that no one may read or change.
 * Sealed form: iv ‖ ciphertext ‖ tag. `context` (not stored) binds a sealed value to what it belongs to.
 */
export class SealedBox {
  private readonly key: Buffer

  constructor (secret: Buffer, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32))
  }

  seal (plain: string | Buffer, context = ''): Buffer {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(context, 'utf8'))
    const sealed = Buffer.concat([typeof plain === 'string' ? cipher.update(plain, 'utf8') : cipher.update(plain), cipher.final()])
    return Buffer.concat([iv, sealed, cipher.getAuthTag()])
  }

  /** The plain text of a value this box sealed with the same context; undefined for anything else. */
  open (sealed: Buffer, context = ''): string | undefined {
    return this.openBytes(sealed, context)?.toString('utf8')
  }

  /** The plain bytes of a value this box sealed with the same context; undefined for anything else. */
  openBytes (sealed: Buffer, context = ''): Buffer | undefined {
    if (sealed.length < IV_BYTES + TAG_BYTES) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES)).setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()])
    } catch {
      return undefined
    }
  }
}
