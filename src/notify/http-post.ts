import { receiverPoster } from '../validation/receiver-agent.ts'
import type { ReceiverRules } from '../validation/receiver-address.ts'
import type { Post } from './deliver.ts'

/**
 * POST with a deadline; redirects are not followed (a receiver that moved must be updated, and a redirect
 * must not lead the request somewhere else). The answer's body is dropped unread. Names are resolved through
 * `receiverLookup`: one that leads to this host or a private network (unless allowed) or to a link-local address fails the attempt.
 */
export function httpPost (timeoutMs: number, rules: ReceiverRules): Post {
  const post = receiverPoster(rules)
  return async (url, headers, body) => await post(url, { headers, body, timeoutMs, redirect: 'manual' })
}
