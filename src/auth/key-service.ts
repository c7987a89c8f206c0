import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts'
import type { KeyRecord as StoredKey, KeysStore } from '../store/system/keys-store.ts'
import { hashKey, newKey } from './key-format.ts'
import type { Principal } from './api-keys.ts'
import type { Scope } from './scopes.ts'

type KeyRecord = StoredKey<Scope>

export interface NewKeyRequest { name: string, scopes: Scope[], tenant?: string | null }

/** What a key listing shows: everything but the hash. */
export type KeyInfo = Omit<KeyRecord, 'hash'>

const CACHE_MS = 5_000

/**
 * Creates, lists, revokes and rotates managed keys. A tenant's admin manages its own tenant's keys only and
 * cannot create platform keys; revocation is seen by every API instance within the cache time (5 s).
 */
export class KeyService {
  private readonly cache = new Map<string, { record: KeyRecord | undefined, at: number }>()
  /** Counts revocations here: a lookup that read the store before one of them does not cache what it read. */
  private revocations = 0

  constructor (private readonly store: KeysStore<Scope>, private readonly clock: { now: () => number } = Date) {}

  async create (req: NewKeyRequest, actor: Principal): Promise<{ key: string, info: KeyInfo }> {
    const tenant = this.tenantFor(req.tenant, actor)
    const { id, key } = newKey()
    const record: KeyRecord = {
      key_id: id, name: req.name, hash: hashKey(key), scopes: [...new Set(req.scopes)], tenant,
      created_at: new Date(this.clock.now()).toISOString(), created_by: actor.keyId, revoked_at: null, replaced_by: null
    }
    await this.store.create(record)
    return { key, info: info(record) }
  }

  async list (actor: Principal): Promise<KeyInfo[]> {
    return (await this.store.list(actor.tenant)).map(info)
  }

  /** Revokes a key; one already revoked stays as it was (its time and its successor are kept). */
  async revoke (id: string, actor: Principal): Promise<KeyInfo> {
    const record = await this.visible(id, actor)
    const at = new Date(this.clock.now()).toISOString()
    const done = await this.store.revoke(id, at)
    this.forget(id)
    return done ? info({ ...record, revoked_at: at, replaced_by: null }) : info(await this.visible(id, actor))
  }

  /**
   * A new key with the same name, scopes and tenant; the old one is revoked at once. Of two rotations at once,
   * one wins: the other's new key is revoked before it is handed out, and it gets a 409.
   */
  async rotate (id: string, actor: Principal): Promise<{ key: string, info: KeyInfo }> {
    const old = await this.visible(id, actor)
    if (old.revoked_at !== null) throw new ForbiddenError(`key ${id} is revoked; create a new one`)
    const created = await this.create({ name: old.name, scopes: old.scopes, tenant: old.tenant }, actor)
    const at = new Date(this.clock.now()).toISOString()
    if (!await this.store.revoke(id, at, created.info.key_id)) {
      await this.store.revoke(created.info.key_id, at)
      throw new ConflictError(`key ${id} was rotated or revoked meanwhile; read the keys again`)
    }
    this.forget(id)
    return created
  }

  /**
   * The tenant of key `id`, read before a change to it so that a refused change (the key rotated meanwhile, or
   * revoked) is attributed too; undefined when there is no such key. A tenant's key can only touch its own.
   */
  async tenantOf (id: string, actor: Principal): Promise<string | null | undefined> {
    return actor.tenant ?? (await this.store.get(id))?.tenant
  }

  /** The record behind a presented key id, cached briefly: authentication runs on every request. */
  async lookup (id: string): Promise<KeyRecord | undefined> {
    const hit = this.cache.get(id)
    if (hit !== undefined && this.clock.now() - hit.at < CACHE_MS) return hit.record
    const revocations = this.revocations
    const record = await this.store.get(id)
    if (revocations !== this.revocations) return record
    if (this.cache.size > 10_000) this.cache.clear()
    this.cache.set(id, { record, at: this.clock.now() })
    return record
  }

  private forget (id: string): void {
    this.revocations++
    this.cache.delete(id)
  }

  private tenantFor (requested: string | null | undefined, actor: Principal): string | null {
    if (actor.tenant === null) return requested ?? null
    if (requested !== undefined && requested !== actor.tenant) {
      throw new ForbiddenError(`this key belongs to tenant "${actor.tenant}" and cannot create keys for "${requested ?? 'the platform'}"`)
    }
    return actor.tenant
  }

  private async visible (id: string, actor: Principal): Promise<KeyRecord> {
    const record = await this.store.get(id)
    // Another tenant's key is reported as missing, not as forbidden: its existence is not the caller's business.
    if (record === undefined || (actor.tenant !== null && record.tenant !== actor.tenant)) throw new NotFoundError(`no API key ${id}`)
    return record
  }
}

function info (r: KeyRecord): KeyInfo {
  const { hash: _hash, ...rest } = r
  return rest
}
