import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import type { ReadScope } from '../auth/read-scope.ts'
import type { SearchRequest } from '../query/search-request.ts'

/** The key that opened a search: only the same key (same tenant, same masking) may continue it. */
export type CursorOwner = Pick<ReadScope, 'keyId' | 'tenant' | 'masked'>

/** What a cursor carries: who opened it, the search itself, its point in time, where the next page starts, the first page's total. */
export interface CursorState {
  owner: CursorOwner
  request: Omit<SearchRequest, 'cursor'>
  pit: string
  after: unknown[]
  total: number
}

const IV_BYTES = 12
const TAG_BYTES = 16
const TOKEN = /^[A-Za-z0-9_-]+$/
// Derived, not the secret itself, so that the secret can serve other purposes without sharing a key.
const KEY_INFO = 'sillage search cursor aes-256-gcm v2'

/**
 * Cursors are sealed with AES-256-GCM. Sealed, because the client must not read them: the sort values of the
 * last hit may be personal data (an email, for a key that sees them in clear), and the request, the point in
 * time id and the owner are the service's business. Authenticated, because the client must not change them:
 * a forged point-in-time id could reach other indices, another owner another key's search.
 * Format: base64url(iv ‖ ciphertext ‖ tag).
 */
export class CursorCodec {
  private readonly key: Buffer

  constructor (secret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), KEY_INFO, 32))
  }

  encode (state: CursorState): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const sealed = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()])
    return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url')
  }

  /** The state of a cursor this service sealed; undefined for anything else. Never throws. */
  decode (cursor: string): CursorState | undefined {
    if (typeof cursor !== 'string' || !TOKEN.test(cursor)) return undefined
    const raw = Buffer.from(cursor, 'base64url')
    if (raw.length <= IV_BYTES + TAG_BYTES) return undefined
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES))
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES))
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()])
      const state: unknown = JSON.parse(plain.toString('utf8'))
      return isState(state) ? state : undefined
    } catch {
      return undefined
    }
  }
}

/** True when the caller is the key that opened the cursor, with the same tenant and masking. */
export function openedBy (state: CursorState, caller: CursorOwner): boolean {
  return state.owner.keyId === caller.keyId && state.owner.tenant === caller.tenant && state.owner.masked === caller.masked
}

function isState (v: unknown): v is CursorState {
  const s = v as Partial<CursorState> | null
  const owner = s?.owner as Partial<CursorOwner> | undefined
  return typeof s === 'object' && s !== null && typeof s.pit === 'string' && Array.isArray(s.after) && typeof s.total === 'number' &&
    typeof s.request === 'object' && s.request !== null &&
    typeof owner === 'object' && owner !== null && typeof owner.keyId === 'string' && typeof owner.masked === 'boolean' &&
    (owner.tenant === null || typeof owner.tenant === 'string')
}
