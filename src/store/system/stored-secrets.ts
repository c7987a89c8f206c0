import { createHash } from 'node:crypto'
import { SealedBox } from '../../integrity/sealed-box.ts'

const PREFIX = 'sealed:v1:'

/** Names a key in what it sealed: 12 hex digits of a digest of it under its own label, which tell keys apart and give nothing of them. */
const keyIdOf = (secret: string): string => createHash('sha256').update(`sillage stored secrets key id\n${secret}`).digest('hex').slice(0, 12)
const boxOf = (secret: string): SealedBox => new SealedBox(Buffer.from(secret, 'utf8'), 'sillage stored secrets aes-256-gcm v1')

/** How a stored value is kept: in clear, or sealed with the current key, the previous one, or another. */
export type SecretState = 'clear' | 'current' | 'previous' | 'unknown key'

/**
 * Secrets the service keeps to act for its users (webhook signing secrets, stream tokens), as the system indices
 * store them: sealed with a key derived from SILLAGE_SECRETS_KEY, `sealed:v1:<key id>:<iv ‖ ciphertext ‖ tag,
 * base64url>`, bound to the record they belong to, so that a copy of the index or a snapshot does not give them
 * away; in clear without the key. Values stored in clear (before the key was set) are read as they are. While
 * the key is changed, SILLAGE_SECRETS_KEY_PREVIOUS still opens what the former key sealed, until `secrets
 * reseal` has sealed everything again with the new one.
 */
export class StoredSecrets {
  private readonly box: SealedBox | undefined
  private readonly previousBox: SealedBox | undefined
  readonly keyId: string | undefined
  readonly previousKeyId: string | undefined

  constructor (secret: string | undefined, previous?: string) {
    this.box = secret === undefined ? undefined : boxOf(secret)
    this.keyId = secret === undefined ? undefined : keyIdOf(secret)
    this.previousBox = previous === undefined ? undefined : boxOf(previous)
    this.previousKeyId = previous === undefined ? undefined : keyIdOf(previous)
  }

  /** `record`: what the secret belongs to (`webhook/<id>`), bound to it. */
  seal (value: string, record: string): string {
    if (this.box === undefined) return value
    return `${PREFIX}${this.keyId as string}:${this.box.seal(value, record).toString('base64url')}`
  }

  state (stored: string): SecretState {
    if (!stored.startsWith(PREFIX)) return 'clear'
    const keyId = stored.slice(PREFIX.length).split(':')[0]
    return keyId === this.keyId ? 'current' : keyId === this.previousKeyId ? 'previous' : 'unknown key'
  }

  /** The secret in clear; throws when it was sealed with a key this process lacks, or changed. */
  open (stored: string, record: string): string {
    if (!stored.startsWith(PREFIX)) return stored
    const [keyId, body] = stored.slice(PREFIX.length).split(':') as [string, string | undefined]
    const box = keyId === this.keyId ? this.box : keyId === this.previousKeyId ? this.previousBox : undefined
    if (box === undefined) {
      const held = this.box === undefined ? 'is not set' : `is key ${this.keyId as string}${this.previousKeyId === undefined ? '' : ` (previous key ${this.previousKeyId})`}`
      throw new Error(`the secret of ${record} is sealed with key ${keyId}, and SILLAGE_SECRETS_KEY ${held}`)
    }
    const plain = box.open(Buffer.from(body ?? '', 'base64url'), record)
    if (plain === undefined) throw new Error(`the sealed secret of ${record} does not open: it was changed or belongs to another record`)
    return plain
  }

  /**
   * The value sealed again with the current key, or undefined when it already is (or when there is no key:
   * nothing to seal with). Throws as `open` does.
   */
  reseal (stored: string, record: string): string | undefined {
    if (this.box === undefined || this.state(stored) === 'current') return undefined
    return this.seal(this.open(stored, record), record)
  }
}
