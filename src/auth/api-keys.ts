import { createHash, timingSafeEqual } from 'node:crypto'
import type { ApiKeyConfig } from '../config/config.ts'
import { grants, type Scope } from './scopes.ts'

export interface Principal {
  keyId: string
  scopes: Scope[]
  /** The tenant the key belongs to; null for platform keys, which see every tenant. */
  tenant: string | null
}

export type AuthResult = { ok: true, principal: Principal } | { ok: false, status: 401 | 403, message: string }

const digest = (key: string): Buffer => createHash('sha256').update(key).digest()

/** Checks `Authorization: ApiKey <key>` against configured keys; only their SHA-256 digests are kept in memory. */
export class ApiKeys {
  private readonly keys: Array<{ digest: Buffer, principal: Principal }>

  constructor (config: ApiKeyConfig[]) {
    this.keys = config.map(k => ({
      digest: digest(k.key),
      // The id shown in logs is a digest prefix, never the key.
      principal: { keyId: digest(k.key).toString('hex').slice(0, 12), scopes: k.scopes, tenant: null }
    }))
  }

  check (header: string | undefined, needed: Scope): AuthResult {
    if (header === undefined || header === '') {
      return { ok: false, status: 401, message: 'missing Authorization header; send "Authorization: ApiKey <key>"' }
    }
    const m = /^ApiKey\s+(\S{1,512})$/i.exec(header)
    if (m === null) return { ok: false, status: 401, message: 'the Authorization header must be "ApiKey <key>"' }
    const presented = digest(m[1] as string)
    const found = this.keys.find(k => timingSafeEqual(k.digest, presented))
    if (found === undefined) return { ok: false, status: 401, message: 'unknown API key' }
    if (!grants(found.principal.scopes, needed)) {
      return { ok: false, status: 403, message: `this API key lacks the "${needed}" scope` }
    }
    return { ok: true, principal: found.principal }
  }
}
