import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts'
import type { ReadScope } from '../auth/read-scope.ts'
import type { IntegrityStore } from '../store/integrity/integrity-store.ts'
import type { CheckpointFile } from '../integrity/checkpoint-file.ts'
import { keyIdOf, rawPublicKey } from '../integrity/checkpoint.ts'
import type { TrustedKeys } from '../integrity/trusted-keys.ts'
import { auditPathSpans, rootFromAuditPath } from '../integrity/merkle.ts'
import type { InclusionProof, PublicKey } from '../integrity/schemas.ts'
import { spanHashes } from '../integrity/tree-reader.ts'
import { verifyLog } from '../integrity/verifier.ts'
import { verifySince } from '../integrity/verify-since.ts'
import { consistencyProof, IntegrityConflictError, latestCheckpoint, listCheckpoints, noteText, witnessRequest } from '../integrity/checkpoint-service.ts'
import type { CheckpointList, ConsistencyProof, LatestCheckpoint, VerifyOutcome } from '../integrity/log-schemas.ts'

/** Which partitions retention removed: an event removed with one is not a deletion. */
export interface RetiredPartitions { among: (indices: readonly string[], now: number) => Promise<ReadonlyMap<string, string | undefined>> }

export { IntegrityConflictError }

/** Proofs and verification of the per-tenant logs, for the API, the CLI and evidence exports. */
export class IntegrityService {
  constructor (private readonly store: IntegrityStore, private readonly file: CheckpointFile, private readonly keys: TrustedKeys, private readonly retirements?: RetiredPartitions, private readonly clock: { now: () => number } = Date) {}

  /** The key new checkpoints are signed with, and every key whose checkpoints verify here. */
  publicKey (): PublicKey {
    const current = this.keys.current
    return {
      algorithm: 'Ed25519',
      keyId: keyIdOf(current),
      publicKey: rawPublicKey(current).toString('base64'),
      pem: current.export({ format: 'pem', type: 'spki' }).toString(),
      trusted: this.keys.list()
    }
  }

  /**
   * The RFC 6962 inclusion proof of an event in its tenant's log, against the latest checkpoint: with the stored
   * event and the public key, anyone can check it without this service.
   */
  async proofFor (eventId: string, scope: ReadScope, tenant?: string): Promise<InclusionProof> {
    clearReadersOnly(scope, 'inclusion proofs')
    if (tenant !== undefined && scope.tenant !== null && tenant !== scope.tenant) throw new ForbiddenError(`this API key may only read tenant "${scope.tenant}"`)
    await this.store.refresh()
    const leaf = await this.store.leafOf(tenant ?? scope.tenant ?? await this.onlyTenantOf(eventId), eventId)
    if (leaf === undefined) throw new NotFoundError(`event "${eventId}" is not in the integrity log (unknown, or not sealed yet)`)
    const checkpoint = await this.store.latestCheckpoint(leaf.tenant)
    if (checkpoint === undefined || checkpoint.size <= leaf.seq) {
      throw new NotFoundError(`event "${eventId}" is sealed at seq ${leaf.seq} but no checkpoint covers it yet; retry after the next checkpoint`)
    }
    // A proof stands on a checkpoint whose signature holds with a key trusted here, and names that key.
    const key = this.keys.keyFor(checkpoint.keyId)
    if (key === undefined || !this.keys.verifies(checkpoint)) {
      throw new IntegrityConflictError(`the latest checkpoint of tenant "${leaf.tenant}" does not verify with a trusted key (key ${checkpoint.keyId}); run a verification, or trust that key (SILLAGE_VERIFY_KEYS)`)
    }
    let path: Buffer[]
    try {
      path = await spanHashes(this.store, leaf.tenant, auditPathSpans(leaf.seq, checkpoint.size))
    } catch (err) {
      throw new IntegrityConflictError(`the log of tenant "${leaf.tenant}" cannot prove this event (${(err as Error).message}); run a verification`)
    }
    const root = rootFromAuditPath(Buffer.from(leaf.leaf, 'hex'), leaf.seq, checkpoint.size, path)
    if (root?.toString('hex') !== checkpoint.root) {
      throw new IntegrityConflictError(`the stored log of tenant "${leaf.tenant}" does not lead to its signed root; run a verification`)
    }
    return {
      tenant: leaf.tenant,
      eventId: leaf.eventId,
      eventIndex: leaf.eventIndex,
      seq: leaf.seq,
      leaf: leaf.leaf,
      treeSize: checkpoint.size,
      auditPath: path.map(h => h.toString('hex')),
      root: checkpoint.root,
      checkpoint: { ...checkpoint, publicKey: rawPublicKey(key).toString('base64') }
    }
  }

  /** For a caller who sees every tenant: the one tenant whose log holds the event id (null: none does). */
  private async onlyTenantOf (eventId: string): Promise<string | null> {
    const tenants = await this.store.tenantsOf(eventId)
    if (tenants.length > 1) {
      throw new ConflictError(`tenants ${tenants.map(t => `"${t}"`).join(', ')} each hold an event with id "${eventId}": name one with ?tenant=`)
    }
    return tenants[0] ?? null
  }

  /** The tenant a request is about: a tenant-bound key's own (it may name no other), the one a platform key names. */
  private tenantFor (tenant: string | undefined, scope: ReadScope, what: string): string {
    const target = tenant ?? scope.tenant
    if (target === undefined || target === null) {
      throw new ValidationError([{ index: 0, path: '/querystring/tenant', message: 'is required for platform keys' }], `the ${what} request is invalid`)
    }
    if (scope.tenant !== null && scope.tenant !== target) throw new ForbiddenError(`this API key may only read tenant "${scope.tenant}"`)
    return target
  }

  async checkpoints (tenant: string | undefined, page: { from?: number, limit: number }, scope: ReadScope): Promise<CheckpointList> {
    clearReadersOnly(scope, 'checkpoints')
    return await listCheckpoints({ store: this.store, keys: this.keys }, this.tenantFor(tenant, scope, 'checkpoint list'), page.from, page.limit)
  }

  async latestCheckpoint (tenant: string | undefined, scope: ReadScope): Promise<LatestCheckpoint> {
    clearReadersOnly(scope, 'checkpoints')
    return await latestCheckpoint({ store: this.store, keys: this.keys }, this.tenantFor(tenant, scope, 'checkpoint'))
  }

  /** The latest checkpoint as a C2SP signed note (tlog-checkpoint). */
  async latestNote (tenant: string | undefined, scope: ReadScope): Promise<string> {
    return noteText(this.keys, await this.latestCheckpoint(tenant, scope))
  }

  async consistency (tenant: string | undefined, sizes: { from: number, to?: number }, scope: ReadScope): Promise<ConsistencyProof> {
    clearReadersOnly(scope, 'consistency proofs')
    return await consistencyProof({ store: this.store, keys: this.keys }, this.tenantFor(tenant, scope, 'consistency'), sizes.from, sizes.to)
  }

  /** The body of a tlog-witness add-checkpoint request for the latest checkpoint (or `to`), from size `from`. */
  async witnessRequest (tenant: string | undefined, sizes: { from: number, to?: number }, scope: ReadScope): Promise<string> {
    return witnessRequest(this.keys, await this.consistency(tenant, sizes, scope))
  }

  /**
   * Verifies a range of a tenant's log, or with `since` incrementally from the checkpoint of that size; a
   * tenant-bound caller may only verify its own tenant.
   */
  async verify (tenant: string | undefined, range: { from?: number, to?: number, since?: number }, scope: ReadScope): Promise<VerifyOutcome> {
    const target = this.tenantFor(tenant, scope, 'verification')
    if (range.since !== undefined && (range.from !== undefined || range.to !== undefined)) {
      throw new ValidationError([{ index: 0, path: '/querystring/since', message: 'verifies from a checkpoint to the latest: give since, or from and to, not both' }], 'the verification request is invalid')
    }
    const now = this.clock.now()
    const retirements = this.retirements
    const retired = async (indices: readonly string[]): Promise<ReadonlyMap<string, string | undefined>> => retirements === undefined ? new Map() : await retirements.among(indices, now)
    const deps = { store: this.store, file: this.file, keys: this.keys, retired }
    if (range.since !== undefined) return await verifySince(deps, target, range.since)
    return { ...await verifyLog(deps, target, { ...(range.from === undefined ? {} : { from: range.from }), ...(range.to === undefined ? {} : { to: range.to }) }), mode: 'full' }
  }
}

/**
 * A proof's hashes commit to the clear events: a leaf, or a sibling or a subtree of one event, is the digest of
 * the whole stored event, against which every guess of a masked value (an address's last byte, an email) can be
 * checked. So is a checkpoint's root (and its signature, which checks a guessed root): the root of a log of one
 * event is that event's leaf, and the root of 2^k + 1 events hashes the last event's leaf with the root before it.
 * Keys that see personal data masked get none; they cannot check a proof without the clear events anyway.
 */
function clearReadersOnly (scope: ReadScope, what: string): void {
  if (scope.masked) throw new ForbiddenError(`${what} are for keys that read clear data: their hashes commit to the clear events, and would let masked values be guessed`)
}
