import type { ReadScope } from '../auth/read-scope.ts'

/**
 * Where evidence packs get the inclusion proof of each event (the integrity service). Optional: without
 * one, or for events not sealed yet, a pack says in its manifest which events have no proof.
 */
export interface ProofProvider {
  /** The proof with its signed checkpoint; undefined (or a 404 error) when the event has none yet. */
  proofFor: (eventId: string, scope: ReadScope) => Promise<unknown>
  /** The key that signs checkpoints, for the verifier. */
  publicKey?: () => unknown
}

export type ProofOutcome = { proof: unknown } | { missing: string }

/** Asks for one proof; "not sealed yet" and conflicts become a reason, other failures propagate. */
export async function proofOf (provider: ProofProvider, eventId: string, scope: ReadScope): Promise<ProofOutcome> {
  try {
    const proof = await provider.proofFor(eventId, scope)
    return proof === undefined || proof === null ? { missing: 'no proof yet' } : { proof }
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode
    if (status === 404 || status === 409) return { missing: (err as Error).message }
    throw err
  }
}
