import { type Scope, SCOPES } from './scopes.ts'

/** Single sign-on for people (the console) through an OpenID Connect provider; off when no issuer is set. */
export interface OidcConfig {
  issuer: string
  clientId: string
  /** Confidential clients authenticate with it (client_secret_basic); public clients rely on PKCE alone. */
  clientSecret: string | undefined
  /** Where the provider sends people back: this API's /v1/auth/oidc/callback as the browser reaches it. */
  redirectUrl: string
  scopes: string[]
  /** Claim naming the person's tenant (dots walk nested claims when no claim has the whole name). */
  tenantClaim: string
  /** Claim value that means the whole platform (null tenant); unset, no person is platform-wide. */
  platformTenant: string | undefined
  rolesClaim: string
  /** Role (as the provider names it) → the scopes it grants; a person holds the union of their roles'. */
  roles: Map<string, Scope[]>
}

/** Sessions of people signed in through single sign-on. */
export interface SessionConfig {
  /** Absolute lifetime from sign-in. */
  maxSeconds: number
  /** A session unused this long ends. */
  idleSeconds: number
  /** Cookies carry `Secure` unless the redirect URL is plain http on a loopback address (development, tests). */
  secureCookies: boolean
}

type Env = Record<string, string | undefined>

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

const value = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim()
  return v === undefined || v === '' ? undefined : v
}

/** Plain http is allowed only towards loopback addresses: a development provider, or the tests'. */
function httpsUrl (env: Env, name: string, problems: string[]): string | undefined {
  const raw = value(env, name)
  if (raw === undefined) return undefined
  try {
    const url = new URL(raw)
    if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return raw
  } catch { /* reported below */ }
  problems.push(`${name}="${raw}" must be an https:// URL (http:// only on 127.0.0.1, [::1] or localhost)`)
  return undefined
}

/** `SILLAGE_OIDC_ROLES=fraud:read+export,support:read:masked,admin:admin` — role, then "+"-joined scopes after the first ":". */
export function parseRoles (raw: string | undefined, problems: string[]): Map<string, Scope[]> {
  const roles = new Map<string, Scope[]>()
  for (const [i, entry] of (raw ?? '').split(',').map(s => s.trim()).filter(Boolean).entries()) {
    const sep = entry.indexOf(':')
    const role = sep > 0 ? entry.slice(0, sep).trim() : ''
    const scopes = sep > 0 ? entry.slice(sep + 1).split('+').map(s => s.trim()).filter(Boolean) : []
    const bad = scopes.filter(s => !(SCOPES as readonly string[]).includes(s))
    if (role === '' || scopes.length === 0) {
      problems.push(`SILLAGE_OIDC_ROLES entry ${i + 1} ("${entry}") must be "<role>:<scope>+<scope>"`)
    } else if (bad.length > 0) {
      problems.push(`SILLAGE_OIDC_ROLES entry ${i + 1}: unknown scope(s) "${bad.join('", "')}"; allowed: ${SCOPES.join(', ')}`)
    } else {
      roles.set(role, [...new Set([...(roles.get(role) ?? []), ...scopes as Scope[]])])
    }
  }
  return roles
}

function seconds (env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = value(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 30 * 24 * 3600) {
    problems.push(`${name}="${raw}" must be a whole number of seconds between 1 and 2592000`)
    return fallback
  }
  return Number(raw)
}

/** Reads SILLAGE_OIDC_* (undefined when SILLAGE_OIDC_ISSUER is unset) and SILLAGE_SESSION_*. */
export function parseOidc (env: Env, problems: string[]): { oidc: OidcConfig | undefined, session: SessionConfig } {
  const issuer = httpsUrl(env, 'SILLAGE_OIDC_ISSUER', problems)
  const redirectUrl = httpsUrl(env, 'SILLAGE_OIDC_REDIRECT_URL', problems)
  const maxSeconds = seconds(env, 'SILLAGE_SESSION_MAX_SECONDS', 8 * 3600, problems)
  const idleSeconds = seconds(env, 'SILLAGE_SESSION_IDLE_SECONDS', 30 * 60, problems)
  const session = { maxSeconds, idleSeconds, secureCookies: redirectUrl === undefined || new URL(redirectUrl).protocol === 'https:' }
  if (value(env, 'SILLAGE_OIDC_ISSUER') === undefined) {
    const stray = Object.keys(env).filter(k => k.startsWith('SILLAGE_OIDC_') && value(env, k) !== undefined)
    if (stray.length > 0) problems.push(`${stray.join(', ')} set without SILLAGE_OIDC_ISSUER: single sign-on needs the provider's issuer URL`)
    return { oidc: undefined, session }
  }
  const clientId = value(env, 'SILLAGE_OIDC_CLIENT_ID')
  if (clientId === undefined) problems.push('SILLAGE_OIDC_CLIENT_ID is required with SILLAGE_OIDC_ISSUER: the client id registered at the provider')
  if (value(env, 'SILLAGE_OIDC_REDIRECT_URL') === undefined) {
    problems.push('SILLAGE_OIDC_REDIRECT_URL is required with SILLAGE_OIDC_ISSUER: this API\'s https://<host>/v1/auth/oidc/callback, as registered at the provider')
  } else if (redirectUrl !== undefined && !new URL(redirectUrl).pathname.endsWith('/v1/auth/oidc/callback')) {
    problems.push(`SILLAGE_OIDC_REDIRECT_URL="${redirectUrl}" must end with /v1/auth/oidc/callback (the route that finishes the sign-in)`)
  }
  const roles = parseRoles(env.SILLAGE_OIDC_ROLES, problems)
  if (value(env, 'SILLAGE_OIDC_ROLES') === undefined) problems.push('SILLAGE_OIDC_ROLES is required with SILLAGE_OIDC_ISSUER: "<role>:<scope>+<scope>,…" mapping the provider\'s roles to scopes')
  const platformTenant = value(env, 'SILLAGE_OIDC_PLATFORM_TENANT')
  if (idleSeconds > maxSeconds) problems.push(`SILLAGE_SESSION_IDLE_SECONDS (${idleSeconds}) must not exceed SILLAGE_SESSION_MAX_SECONDS (${maxSeconds})`)
  const scopes = [...new Set(['openid', ...(value(env, 'SILLAGE_OIDC_SCOPES') ?? 'openid profile email').split(/[\s,]+/).filter(Boolean)])]
  return {
    oidc: {
      issuer: issuer ?? '',
      clientId: clientId ?? '',
      clientSecret: value(env, 'SILLAGE_OIDC_CLIENT_SECRET'),
      redirectUrl: redirectUrl ?? '',
      scopes,
      tenantClaim: value(env, 'SILLAGE_OIDC_TENANT_CLAIM') ?? 'tenant',
      platformTenant,
      rolesClaim: value(env, 'SILLAGE_OIDC_ROLES_CLAIM') ?? 'roles',
      roles
    },
    session
  }
}
