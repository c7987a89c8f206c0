import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { SealedBox } from '../integrity/sealed-box.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import type { SearchRequest } from '../query/search-request.ts'

/** The key that opened a search: only the same key (same tenant, same masking) may continue it. */
export type CursorOwner = Pick<ReadScope, 'keyId' | 'tenant' | 'masked'>

/**
 * What a cursor carries: who opened it, the search itself, the instant its date math was resolved at (`now`), its
 * point in time, where the next page starts, the first page's total.
 */
export interface CursorState {
  owner: CursorOwner
  request: Omit<SearchRequest, 'cursor'>
  /** Absent in cursors issued before it was kept: their pages resolve `now` each. */
  now?: number
  pit: string
  after: unknown[]
  total: number
}

const TOKEN = /^[A-Za-z0-9_-]+$/
// Derived, not the secret itself, so that the secret can serve other purposes without sharing a key.
const KEY_INFO = 'sillage search cursor aes-256-gcm deflate v3'
/** A state's largest inflated size: far above any real one, and a bound on what a cursor can make us allocate. */
const MAX_STATE_BYTES = 1 << 20

/**
 * Cursors are sealed with AES-256-GCM. Sealed, because the client must not read them: the sort values of the
 * last hit may be personal data (an email, for a key that sees them in clear), and the request, the point in
 * time id and the owner are the service's business. Authenticated, because the client must not change them:
 * a forged point-in-time id could reach other indices, another owner another key's search.
 * Format: base64url(iv ‖ ciphertext ‖ tag) of the state's JSON deflated: the point-in-time id grows with the
 * partitions searched (11 KB for 60), and deflated it fits a query string. Compression before encryption
 * reveals only lengths, of what the caller sent or was shown.
 */
export class CursorCodec {
  private readonly box: SealedBox

  constructor (secret: Buffer) {
    this.box = new SealedBox(secret, KEY_INFO)
  }

  encode (state: CursorState): string {
    return this.box.seal(deflateRawSync(JSON.stringify(state))).toString('base64url')
  }

  /** The state of a cursor this service sealed; undefined for anything else. Never throws. */
  decode (cursor: string): CursorState | undefined {
    if (typeof cursor !== 'string' || !TOKEN.test(cursor)) return undefined
    const packed = this.box.openBytes(Buffer.from(cursor, 'base64url'))
    if (packed === undefined) return undefined
    try {
      const state: unknown = JSON.parse(inflateRawSync(packed, { maxOutputLength: MAX_STATE_BYTES }).toString('utf8'))
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
    (owner.tenant === null || typeof owner.tenant === 'string') && (s.now === undefined || typeof s.now === 'number')
}
