import type { Redis } from 'ioredis'
import type { OidcConfig, SessionConfig } from '../config/oidc-config.ts'
import { OidcLogin } from './oidc-login.ts'
import { cookieNames, type CookieNames } from './session-cookie.ts'
import { SessionStore } from './session-store.ts'

/** Everything single sign-on needs at run time: the login flow, the sessions and the cookies' names and flags. */
export interface Sso {
  login: OidcLogin
  sessions: SessionStore
  cookies: CookieNames
  secure: boolean
}

export function createSso (oidc: OidcConfig, session: SessionConfig, redis: Redis, prefix: string, warn?: (details: object, message: string) => void): Sso {
  const sessions = new SessionStore(redis, prefix, session)
  return {
    login: new OidcLogin(oidc, sessions, warn === undefined ? {} : { warn }),
    sessions,
    cookies: cookieNames(session.secureCookies),
    secure: session.secureCookies
  }
}
