import { createHash } from 'node:crypto'
import type { OidcConfig } from '../config/oidc-config.ts'
import type { Principal } from './api-keys.ts'
import type { Scope } from './scopes.ts'
import { TENANT_NAME } from './tenant-name.ts'

/** What a sign-in must yield: a principal like a key's, or the reason the person is refused. */
export type PersonResult = { ok: true, principal: Principal } | { ok: false, reason: string }

export type Claims = Record<string, unknown>
type Mapping = Pick<OidcConfig, 'issuer' | 'tenantClaim' | 'platformTenant' | 'rolesClaim' | 'roles'>

/** A claim by its whole name first (`https://example.com/roles`), else by a dotted path (`realm_access.roles`). */
export function claimAt (claims: Claims, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name]
  let at: unknown = claims
  for (const part of name.split('.')) {
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, part)) return undefined
    at = (at as Claims)[part]
  }
  return at
}

/** Roles come as a list of strings or as one string separated by spaces or commas. */
export function rolesOf (value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string')
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean)
  return []
}

/** The id that stands for a person where a key id would: its provider (a digest of the issuer) and subject. */
export function personId (issuer: string, subject: string): string {
  return `person:${createHash('sha256').update(issuer).digest('hex').slice(0, 8)}:${subject}`
}

export function displayName (claims: Claims, subject: string): string {
  for (const c of ['name', 'preferred_username', 'email']) {
    const v = claims[c]
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 200)
  }
  return subject
}

/**
 * Maps the claims of a verified ID token (and user info) to a principal: the tenant from the tenant claim, the
 * scopes as the union of those of the person's mapped roles. Anyone with no mapped role or no tenant is refused.
 */
export function personFromClaims (claims: Claims, m: Mapping): PersonResult {
  const subject = claims.sub
  if (typeof subject !== 'string' || subject === '') return { ok: false, reason: 'the provider named no subject (sub)' }
  const held = rolesOf(claimAt(claims, m.rolesClaim))
  const scopes = [...new Set(held.flatMap(r => m.roles.get(r) ?? []))] as Scope[]
  if (scopes.length === 0) {
    // The person's own roles are shown; the roles that would give access are not (they name who is admin).
    const shown = held.length === 0 ? 'none' : held.slice(0, 20).join(', ')
    return { ok: false, reason: `your account holds no role that gives access to Sillage (claim "${m.rolesClaim}": ${shown}); ask your administrator for access` }
  }
  const tenantClaim = claimAt(claims, m.tenantClaim)
  let tenant: string | null
  if (m.platformTenant !== undefined && tenantClaim === m.platformTenant) {
    tenant = null
  } else if (typeof tenantClaim === 'string' && TENANT_NAME.test(tenantClaim)) {
    tenant = tenantClaim
  } else {
    return { ok: false, reason: tenantClaim === undefined ? `your account names no tenant (claim "${m.tenantClaim}")` : `the tenant in claim "${m.tenantClaim}" is not a tenant name (1-40 lowercase letters, digits, "_" or "-")` }
  }
  return {
    ok: true,
    principal: { keyId: personId(m.issuer, subject), scopes, tenant, person: { subject, name: displayName(claims, subject), issuer: m.issuer } }
  }
}
