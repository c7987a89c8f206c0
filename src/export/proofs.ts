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

/**
 * Asks for one proof; "not sealed yet" (404) becomes a reason. Other failures propagate, a log that contradicts
 * its signed checkpoints (409) among them: a pack would list its events as merely not proven yet, which the
 * verifier reports as nothing wrong.
 */
export async function proofOf (provider: ProofProvider, eventId: string, scope: ReadScope): Promise<ProofOutcome> {
  try {
    const proof = await provider.proofFor(eventId, scope)
    return proof === undefined || proof === null ? { missing: 'no proof yet' } : { proof }
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return { missing: (err as Error).message }
    throw err
  }
}
