import type { Post } from './deliver.ts'

/**
 * POST with a deadline; redirects are not followed (a receiver that moved must be updated, and a redirect
 * must not lead the request somewhere else). The answer's body is read and dropped.
 */
export function httpPost (timeoutMs: number): Post {
  return async (url, headers, body) => {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) })
    await res.arrayBuffer().catch(() => undefined)
    return res.status
  }
}
