import { createHash } from 'node:crypto'
import { SealedBox } from '../../integrity/sealed-box.ts'

const PREFIX = 'sealed:v1:'

/**
 * Secrets the service keeps to act for its users (webhook signing secrets, stream tokens), as the system indices
 * store them: sealed with a key derived from SILLAGE_SECRETS_KEY, `sealed:v1:<key id>:<iv ‖ ciphertext ‖ tag,
 * base64url>`, bound to the record they belong to, so that a copy of the index or a snapshot does not give them
 * away; in clear without the key. Values stored in clear (before the key was set) are read as they are.
 */
export class StoredSecrets {
  private readonly box: SealedBox | undefined
  /** Names the key in what it sealed: 12 hex digits of a digest of it under its own label, which tell keys apart and give nothing of them. */
  readonly keyId: string | undefined

  constructor (secret: string | undefined) {
    this.box = secret === undefined ? undefined : new SealedBox(Buffer.from(secret, 'utf8'), 'sillage stored secrets aes-256-gcm v1')
    this.keyId = secret === undefined ? undefined : createHash('sha256').update(`sillage stored secrets key id\n${secret}`).digest('hex').slice(0, 12)
  }

  /** `record`: what the secret belongs to (`webhook/<id>`), bound to it. */
  seal (value: string, record: string): string {
    if (this.box === undefined) return value
    return `${PREFIX}${this.keyId as string}:${this.box.seal(value, record).toString('base64url')}`
  }

  /** The secret in clear; throws when it was sealed with another key or changed. */
  open (stored: string, record: string): string {
    if (!stored.startsWith(PREFIX)) return stored
    const [keyId, body] = stored.slice(PREFIX.length).split(':') as [string, string | undefined]
    if (this.box === undefined || keyId !== this.keyId) {
      throw new Error(`the secret of ${record} is sealed with key ${keyId}, and SILLAGE_SECRETS_KEY ${this.box === undefined ? 'is not set' : `is key ${this.keyId as string}`}`)
    }
    const plain = this.box.open(Buffer.from(body ?? '', 'base64url'), record)
    if (plain === undefined) throw new Error(`the sealed secret of ${record} does not open: it was changed or belongs to another record`)
    return plain
  }
}
