import { fetch } from 'undici'
import { receiverAgent, withCause } from '../validation/receiver-agent.ts'
import type { Post } from './deliver.ts'

/**
 * POST with a deadline; redirects are not followed (a receiver that moved must be updated, and a redirect
 * must not lead the request somewhere else). The answer's body is dropped unread. Names are resolved through
 * `receiverLookup`: one that leads to this host (unless allowed) or to a link-local address fails the attempt.
 */
export function httpPost (timeoutMs: number, allowLoopback: boolean): Post {
  const dispatcher = receiverAgent(allowLoopback)
  return async (url, headers, body) => {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs), dispatcher }).catch(err => { throw withCause(err) })
    // Not read: a receiver could send gigabytes of it.
    await res.body?.cancel().catch(() => undefined)
    return res.status
  }
}
