import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Headers of every webhook request. */
export const HEADERS = {
  timestamp: 'sillage-timestamp',
  signature: 'sillage-signature',
  delivery: 'sillage-delivery-id',
  event: 'sillage-event'
} as const

/** How far a receiver should accept a timestamp from its own clock (replays older than this are refused). */
export const DEFAULT_TOLERANCE_S = 300

/** A new per-webhook secret, shown once at creation. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`

/** `v1=` and the hex HMAC-SHA256, keyed by the secret, of `<timestamp>.<body>` (timestamp in Unix seconds). */
export function sign (secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * What a receiver does: recompute the signature over the timestamp header and the raw body, compare in
 * constant time, and refuse timestamps too far from its clock so that a captured request cannot be replayed.
 */
export function verify (secret: string, header: { timestamp: string | undefined, signature: string | undefined }, body: string, nowS: number, toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const ts = Number(header.timestamp)
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS || header.signature === undefined) return false
  const expected = Buffer.from(sign(secret, ts, body))
  // Several signatures may be sent (during a secret rotation): any one matching is enough.
  return header.signature.split(',').map(s => Buffer.from(s.trim())).some(s => s.length === expected.length && timingSafeEqual(s, expected))
}

/** The idempotency id of one alert's delivery to one webhook: the same on every retry. */
export const deliveryId = (webhookId: string, alertId: string): string =>
  `dlv_${createHash('sha256').update(`${webhookId}\n${alertId}`).digest('hex').slice(0, 32)}`
