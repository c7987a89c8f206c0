import * as client from 'openid-client'
import type { OidcConfig } from '../config/oidc-config.ts'
import { UnavailableError } from '../errors.ts'
import type { Principal } from './api-keys.ts'
import { claimAt, personFromClaims, type Claims } from './person.ts'
import type { SessionStore } from './session-store.ts'

/** The error codes of RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6, the only words of a refusal shown as they are. */
const OAUTH_ERRORS = new Set(['invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable',
  'interaction_required', 'login_required', 'account_selection_required', 'consent_required', 'invalid_request_uri', 'invalid_request_object', 'request_not_supported',
  'request_uri_not_supported', 'registration_not_supported'])

export type LoginResult =
  | { ok: true, principal: Principal, returnTo: string }
  | { ok: false, status: 400 | 403, reason: string }

export interface LoginOptions {
  /** Warnings about the provider (unreachable, refusing the client). */
  warn?: (details: object, message: string) => void
}

/**
 * The OpenID Connect authorisation code flow with PKCE (S256), `state` and `nonce`, for people signing in to
 * the console. The provider is discovered from its issuer on first use (and again after a failure), so the API
 * starts even while the provider is away.
 */
export class OidcLogin {
  private discovered: Promise<client.Configuration> | undefined

  constructor (private readonly config: OidcConfig, private readonly store: SessionStore, private readonly options: LoginOptions = {}) {}

  private async provider (): Promise<client.Configuration> {
    this.discovered ??= this.discover().catch((err: unknown) => {
      this.discovered = undefined
      this.options.warn?.({ err, issuer: this.config.issuer }, 'OpenID Connect discovery failed')
      throw new UnavailableError(`the identity provider ${this.config.issuer} cannot be reached; try again shortly`)
    })
    return await this.discovered
  }

  private async discover (): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.config
    const auth = clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret)
    // Plain http is accepted by the configuration only for loopback providers (development, tests).
    const options = new URL(issuer).protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined
    return await client.discovery(new URL(issuer), clientId, clientSecret, auth, options)
  }

  /** Begins a sign-in: where to send the browser, and the id of the flow to keep in its cookie. */
  async start (returnTo: string): Promise<{ url: string, flowId: string }> {
    const provider = await this.provider()
    const codeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const nonce = client.randomNonce()
    const flowId = await this.store.startFlow({ state, nonce, codeVerifier, returnTo })
    const url = client.buildAuthorizationUrl(provider, {
      redirect_uri: this.config.redirectUrl,
      scope: this.config.scopes.join(' '),
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce
    })
    return { url: url.href, flowId }
  }

  /**
   * Ends a sign-in: the answer must belong to the flow of this browser (its cookie) and carry its state; the
   * code is exchanged with the verifier, the ID token checked (signature, issuer, audience, expiry, nonce) and
   * its claims (with user info when the token lacks the tenant or roles) mapped to a principal.
   */
  async finish (flowId: string | undefined, search: string): Promise<LoginResult> {
    const flow = flowId === undefined ? undefined : await this.store.takeFlow(flowId)
    if (flow === undefined) return { ok: false, status: 400, reason: 'this sign-in is unknown or has expired (it lasts 10 minutes, in the browser that began it); please sign in again' }
    const answer = new URLSearchParams(search)
    // An answer that is not this sign-in's is refused before anything in it is shown: another site could send the
    // browser here with words of its own.
    if (answer.get('state') !== flow.state) return { ok: false, status: 400, reason: 'this answer does not belong to the sign-in begun in this browser; please sign in again' }
    const denied = answer.get('error')
    if (denied !== null) {
      this.options.warn?.({ error: denied.slice(0, 100), description: answer.get('error_description')?.slice(0, 500) }, 'the identity provider refused the sign-in')
      // Only the standard codes are named; the provider's own wording goes to the log, never to the page.
      return { ok: false, status: 403, reason: `the identity provider refused the sign-in (${OAUTH_ERRORS.has(denied) ? denied : 'an error'}); please sign in again or ask your administrator` }
    }
    const provider = await this.provider()
    const current = new URL(this.config.redirectUrl)
    current.search = search
    let claims: Claims
    try {
      const tokens = await client.authorizationCodeGrant(provider, current, { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true })
      claims = { ...(tokens.claims() ?? {}) }
      const missing = [this.config.tenantClaim, this.config.rolesClaim].some(c => claimAt(claims, c) === undefined)
      if (missing && provider.serverMetadata().userinfo_endpoint !== undefined) {
        const info = await client.fetchUserInfo(provider, tokens.access_token, claims.sub as string)
        claims = { ...info, ...claims }
      }
    } catch (err) {
      if (err instanceof client.ClientError || err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError) {
        this.options.warn?.({ err: err.message, code: (err as { code?: string }).code }, 'OpenID Connect sign-in refused')
        return { ok: false, status: 400, reason: `the sign-in could not be completed (${err.message}); please sign in again` }
      }
      throw err
    }
    const person = personFromClaims(claims, this.config)
    return person.ok ? { ok: true, principal: person.principal, returnTo: flow.returnTo } : { ok: false, status: 403, reason: person.reason }
  }
}
