import type { Redis } from 'ioredis'
import type { OidcConfig, SessionConfig } from '../config/oidc-config.ts'
import { OidcLogin } from './oidc-login.ts'
import { cookieNames, type CookieNames } from './session-cookie.ts'
import { SessionStore } from './session-store.ts'
import { LoginStarts } from './login-starts.ts'

/** Sign-ins begun per minute and API process: from one address, and in all (flows of at most 2.2 KB kept 10 minutes: at most about 13 MB in Redis). */
const LOGIN_STARTS_PER_ADDRESS = 60
const LOGIN_STARTS_OVERALL = 600

/** Everything single sign-on needs at run time: the login flow, the sessions and the cookies' names and flags. */
export interface Sso {
  login: OidcLogin
  /** Bounds the sign-ins begun (each keeps a flow in Redis). */
  starts: LoginStarts
  sessions: SessionStore
  cookies: CookieNames
  secure: boolean
}

export function createSso (oidc: OidcConfig, session: SessionConfig, redis: Redis, prefix: string, warn?: (details: object, message: string) => void): Sso {
  const sessions = new SessionStore(redis, prefix, session)
  return {
    login: new OidcLogin(oidc, sessions, warn === undefined ? {} : { warn }),
    starts: new LoginStarts(LOGIN_STARTS_PER_ADDRESS, LOGIN_STARTS_OVERALL),
    sessions,
    cookies: cookieNames(session.secureCookies),
    secure: session.secureCookies
  }
}
