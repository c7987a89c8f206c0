import { createHmac, timingSafeEqual } from 'node:crypto'
import type { SearchRequest } from './search-request.ts'

/** What a cursor carries: the search itself, its point in time, where the next page starts, the first page's total. */
export interface CursorState {
  request: Omit<SearchRequest, 'cursor'>
  pit: string
  after: unknown[]
  total: number
}

/**
 * Cursors are signed: a client could otherwise forge a point-in-time id reaching other indices, or another
 * search's position. Format: base64url(JSON) "." base64url(HMAC-SHA256).
 */
export class CursorCodec {
  constructor (private readonly secret: Buffer) {}

  private sign (payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url')
  }

  encode (state: CursorState): string {
    const payload = Buffer.from(JSON.stringify(state)).toString('base64url')
    return `${payload}.${this.sign(payload)}`
  }

  decode (cursor: string): CursorState | undefined {
    const [payload, mac] = cursor.split('.')
    if (payload === undefined || mac === undefined) return undefined
    const expected = Buffer.from(this.sign(payload))
    const given = Buffer.from(mac)
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as CursorState
    } catch {
      return undefined
    }
  }
}
