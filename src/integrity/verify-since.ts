import { ValidationError } from '../errors.ts'
import { sameCheckpoint, type SignedCheckpoint } from './checkpoint.ts'
import { consistencySpans, verifyConsistency } from './merkle.ts'
import type { VerifyOutcome } from './log-schemas.ts'
import type { Problem } from './schemas.ts'
import { loadFrontier, spanHashes } from './tree-reader.ts'
import { verifyLog, type VerifyDeps } from './verifier.ts'

/**
 * Incremental verification from a checkpoint verified earlier (size `since`): that checkpoint is still signed
 * and in the file, the stored leaves before it still lead to its root, the latest checkpoint extends it (an RFC
 * 6962 consistency proof from the stored log, checked against both signed roots), and the events sealed from
 * `since` on are rehashed, with the insertion scan limited to what was ingested since. Events before `since` are
 * not read again: a full verification does that.
 */
export async function verifySince (deps: VerifyDeps, tenant: string, since: number): Promise<VerifyOutcome> {
  const old = await deps.store.checkpointAt(tenant, since)
  if (old === undefined) {
    throw new ValidationError([{ index: 0, path: '/querystring/since', message: `no checkpoint of tenant "${tenant}" has size ${since}: give the size of a signed checkpoint (GET /v1/integrity/checkpoints)` }], 'the verification request is invalid')
  }
  const report = await verifyLog(deps, tenant, { from: since, ingestedFrom: old.time })
  const problems: Problem[] = []
  if (!deps.keys.verifies(old)) {
    problems.push({ kind: 'bad_signature', source: 'index', size: since, detail: `the checkpoint of size ${since} in the index does not verify with key ${old.keyId} (altered, or signed by a key not trusted here)` })
  }
  const lines = await deps.file.find(tenant, old)
  // No file at all is reported by verifyLog already.
  if (lines !== undefined && (lines.same === undefined || !sameCheckpoint(lines.same, old))) {
    problems.push({ kind: 'checkpoint_mismatch', source: 'file', size: since, detail: `the checkpoint of size ${since} made at ${old.time} is not in the checkpoint file as Elasticsearch holds it` })
  }
  const anchor = report.checkpoint
  let consistency: VerifyOutcome['consistency'] = null
  if (anchor === null || anchor.size < since) {
    problems.push({ kind: 'checkpoint_mismatch', source: 'index', size: since, detail: `no valid checkpoint at least as large as the checkpoint of size ${since} remains` })
  } else {
    const checked = await checkExtends(deps, tenant, old, anchor)
    problems.push(...checked.problems)
    consistency = checked.consistency
  }
  return { ...report, ok: report.ok && problems.length === 0, problems: [...problems, ...report.problems], mode: 'incremental', since: old, consistency }
}

/** The stored prefix still has the old root, and the stored log gives a consistency proof joining both roots. */
async function checkExtends (deps: VerifyDeps, tenant: string, old: SignedCheckpoint, anchor: SignedCheckpoint): Promise<{ problems: Problem[], consistency: VerifyOutcome['consistency'] }> {
  const altered = (size: number, detail: string): Problem => ({ kind: 'leaf_log_altered', size, detail })
  try {
    const prefix = (await loadFrontier(deps.store, tenant, old.size)).frontier.root().toString('hex')
    const proof = old.size === anchor.size ? [] : await spanHashes(deps.store, tenant, consistencySpans(old.size, anchor.size))
    const problems: Problem[] = []
    if (prefix !== old.root) problems.push(altered(old.size, `the stored leaves before seq ${old.size} lead to root ${prefix}, not to the signed root ${old.root} of size ${old.size}`))
    if (!verifyConsistency(old.size, anchor.size, Buffer.from(old.root, 'hex'), Buffer.from(anchor.root, 'hex'), proof)) {
      problems.push(altered(anchor.size, `the checkpoint of size ${anchor.size} does not extend the checkpoint of size ${old.size}: the stored log gives no consistency proof between their roots`))
    }
    return { problems, consistency: { from: old.size, to: anchor.size, proof: proof.map(h => h.toString('hex')) } }
  } catch (err) {
    return { problems: [altered(old.size, `the consistency of size ${old.size} with size ${anchor.size} cannot be computed: ${(err as Error).message}`)], consistency: null }
  }
}
