import { Agent, fetch } from 'undici'
import { receiverLookup, type ReceiverRules } from './receiver-address.ts'

export interface ReceiverPost { headers: Record<string, string>, body: string, timeoutMs: number, /** Webhooks see a redirect's status; streams fail on one. */ redirect: 'manual' | 'error' }

/**
 * POSTs to receivers (webhooks, HTTP streams) through connections whose names are resolved by `receiverLookup`.
 * Resolves to the status; the answer's body is dropped unread (a receiver could send gigabytes of it). A failure
 * says why: fetch's own error says only "fetch failed", the reason is its cause.
 */
export function receiverPoster (rules: ReceiverRules): (url: string, post: ReceiverPost) => Promise<number> {
  const dispatcher = new Agent({ connect: { lookup: receiverLookup(rules) } })
  return async (url, { headers, body, timeoutMs, redirect }) => {
    const res = await fetch(url, { method: 'POST', headers, body, redirect, signal: AbortSignal.timeout(timeoutMs), dispatcher }).catch(err => { throw withCause(err) })
    await res.body?.cancel().catch(() => undefined)
    return res.status
  }
}

function withCause (err: unknown): unknown {
  const cause = (err as { cause?: unknown }).cause
  return err instanceof Error && cause instanceof Error ? new Error(`${err.message}: ${cause.message}`, { cause }) : err
}
