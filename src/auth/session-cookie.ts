/**
 * The two cookies of single sign-on. With `Secure` they take the `__Host-` prefix (the browser then refuses
 * them unless Secure, Path=/ and no Domain: no subdomain can plant or widen them).
 */
export interface CookieNames { session: string, flow: string }

export const cookieNames = (secure: boolean): CookieNames => secure
  ? { session: '__Host-sillage-session', flow: '__Host-sillage-oidc' }
  : { session: 'sillage-session', flow: 'sillage-oidc' }

/** The value of one cookie in a `Cookie` header (the first, if a name repeats). */
export function readCookie (header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim()
      return value === '' ? undefined : value
    }
  }
  return undefined
}

export interface CookieOptions {
  secure: boolean
  /**
   * Strict for the session: it is set by the callback and first needed by the console's own requests, which
   * are same-site. Lax for the login flow: it must come back on the provider's cross-site redirect.
   */
  sameSite: 'Strict' | 'Lax'
  /** Omitted: the cookie ends with the browser session (the server ends it earlier anyway). */
  maxAgeSeconds?: number
}

/** A `Set-Cookie` value: HttpOnly (no script reads it), Path=/, never a Domain. */
export function setCookie (name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`, 'Path=/', 'HttpOnly', `SameSite=${o.sameSite}`,
    ...(o.secure ? ['Secure'] : []),
    ...(o.maxAgeSeconds === undefined ? [] : [`Max-Age=${o.maxAgeSeconds}`])
  ].join('; ')
}

export const clearCookie = (name: string, o: Omit<CookieOptions, 'maxAgeSeconds'>): string => setCookie(name, '', { ...o, maxAgeSeconds: 0 })
