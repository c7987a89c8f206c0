import type { Post } from './deliver.ts'

/**
 * POST with a deadline; redirects are not followed (a receiver that moved must be updated, and a redirect
 * must not lead the request somewhere else). The answer's body is dropped unread.
 */
export function httpPost (timeoutMs: number): Post {
  return async (url, headers, body) => {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
    // Not read: a receiver could send gigabytes of it.
    await res.body?.cancel().catch(() => undefined)
    return res.status
  }
}
