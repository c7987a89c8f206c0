import { createHash, timingSafeEqual } from 'node:crypto'
import type { ApiKeyConfig } from '../config/config.ts'
import { grants, type RouteScope, type Scope } from './scopes.ts'
import { hashKey, keyIdOf } from './key-format.ts'

export interface Principal {
  keyId: string
  scopes: Scope[]
  /** The tenant the key belongs to; null for platform keys, which see every tenant. */
  tenant: string | null
  /** The person behind a single sign-on session (keyId is then `person:<issuer digest>:<subject>`); absent for keys. */
  person?: { subject: string, name: string, issuer: string }
}

export type AuthResult = { ok: true, principal: Principal } | { ok: false, status: 401 | 403, message: string }

/** Where managed keys are looked up (by id, from the key itself). */
export interface ManagedKeyLookup {
  lookup: (id: string) => Promise<{ hash: string, scopes: Scope[], tenant: string | null, revoked_at: string | null } | undefined>
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()

/**
 * Checks `Authorization: ApiKey <key>`: bootstrap keys from configuration (kept as digests only) and managed
 * keys (looked up by the id inside the key, compared by hash, refused once revoked).
 */
export class Authenticator {
  private readonly bootstrap: Array<{ digest: Buffer, principal: Principal }>

  constructor (config: ApiKeyConfig[], private readonly managed?: ManagedKeyLookup) {
    this.bootstrap = config.map(k => ({
      digest: digest(k.key),
      // The id shown in logs and the access log is a digest prefix, never the key.
      principal: { keyId: `config-${digest(k.key).toString('hex').slice(0, 12)}`, scopes: k.scopes, tenant: k.tenant }
    }))
  }

  async check (header: string | undefined, needed: RouteScope): Promise<AuthResult> {
    if (header === undefined || header === '') {
      return { ok: false, status: 401, message: 'missing Authorization header; send "Authorization: ApiKey <key>"' }
    }
    const m = /^ApiKey\s+(\S{1,512})$/i.exec(header)
    if (m === null) return { ok: false, status: 401, message: 'the Authorization header must be "ApiKey <key>"' }
    const principal = await this.identify(m[1] as string)
    if (principal === undefined) return { ok: false, status: 401, message: 'unknown or revoked API key' }
    if (!grants(principal.scopes, needed)) return { ok: false, status: 403, message: `this API key lacks the "${needed}" scope` }
    return { ok: true, principal }
  }

  private async identify (key: string): Promise<Principal | undefined> {
    const presented = digest(key)
    const boot = this.bootstrap.find(k => timingSafeEqual(k.digest, presented))
    if (boot !== undefined) return boot.principal
    const id = keyIdOf(key)
    if (id === undefined || this.managed === undefined) return undefined
    const record = await this.managed.lookup(id)
    if (record === undefined || record.revoked_at !== null) return undefined
    if (!timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hashKey(key), 'hex'))) return undefined
    return { keyId: id, scopes: record.scopes, tenant: record.tenant }
  }
}
