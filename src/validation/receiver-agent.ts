import { Agent } from 'undici'
import { receiverLookup } from './receiver-address.ts'

/** Connections for HTTP receivers (webhooks, streams): names resolved through `receiverLookup`, redirects never followed by it. */
export function receiverAgent (allowLoopback: boolean): Agent {
  return new Agent({ connect: { lookup: receiverLookup(allowLoopback) } })
}

/** fetch's own error says only "fetch failed": the reason (refused, unresolved, a receiver refused here) is its cause. */
export function withCause (err: unknown): unknown {
  const cause = (err as { cause?: unknown }).cause
  return err instanceof Error && cause instanceof Error ? new Error(`${err.message}: ${cause.message}`, { cause }) : err
}
