import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

/** People at the test provider: Alice holds a role Sillage maps; Bob holds none. */
export const ACCOUNTS: Record<string, { name: string, tenant: string, roles: string[] }> = {
  alice: { name: 'Alice Martin', tenant: 'brand-a', roles: ['fraud', 'staff'] },
  bob: { name: 'Bob Durand', tenant: 'brand-a', roles: ['staff'] }
}

export const CLIENT_ID = 'sillage-console'

export interface TestProvider {
  issuer: string
  clientSecret: string
  /** Completes the provider's login and consent forms as a browser would; returns the redirect to Sillage's callback. */
  signIn: (authorizationUrl: string, login: string) => Promise<string>
  close: () => Promise<void>
}

/** Sillage's environment for this provider, with the role → scopes mapping of the tests. */
export function oidcEnv (p: TestProvider, redirectUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SILLAGE_OIDC_ISSUER: p.issuer,
    SILLAGE_OIDC_CLIENT_ID: CLIENT_ID,
    SILLAGE_OIDC_CLIENT_SECRET: p.clientSecret,
    SILLAGE_OIDC_REDIRECT_URL: redirectUrl,
    SILLAGE_OIDC_SCOPES: 'openid profile sillage',
    SILLAGE_OIDC_ROLES: 'fraud:read+export,support:read:masked',
    ...extra
  }
}

/** A free loopback port (the callback URL must be registered before the API listens). */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

/**
 * The certified `oidc-provider` in this process, on a loopback port, with one confidential client and the
 * accounts above; its development login and consent pages are the interaction. `host` names the issuer's host
 * (`localhost` makes the provider another site than Sillage's 127.0.0.1, as in production).
 */
export async function startTestProvider (redirectUrl: string, host = '127.0.0.1'): Promise<TestProvider> {
  let handle = (_req: IncomingMessage, res: ServerResponse): void => { res.statusCode = 503; res.end() }
  const server = createServer((req, res) => handle(req, res))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://${host}:${(server.address() as AddressInfo).port}`
  const clientSecret = randomBytes(24).toString('hex')
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: clientSecret, redirect_uris: [redirectUrl], response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic' }],
    findAccount: async (_ctx, id) => {
      const account = ACCOUNTS[id]
      return account === undefined ? undefined : { accountId: id, claims: async () => ({ sub: id, ...account }) }
    },
    claims: { openid: ['sub'], profile: ['name'], sillage: ['tenant', 'roles'] },
    scopes: ['openid', 'profile', 'sillage'],
    cookies: { keys: [randomBytes(32).toString('hex')] },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] }
  })
  handle = provider.callback()
  return { issuer, clientSecret, signIn: async (url, login) => await completeInteraction(url, login, redirectUrl), close: async () => { await new Promise(resolve => server.close(resolve)) } }
}

/** Follows the provider's redirects with a cookie jar, answering its login form (any password) and its consent form. */
async function completeInteraction (authorizationUrl: string, login: string, redirectUrl: string): Promise<string> {
  const jar = new Map<string, string>()
  const call = async (url: string, form?: Record<string, string>): Promise<Response> => {
    const res = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() })
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const eq = pair.indexOf('=')
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c)) jar.delete(pair.slice(0, eq))
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    return res
  }
  let url = authorizationUrl
  for (let step = 0; step < 12; step++) {
    const res = await call(url)
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url).href
      if (url.startsWith(redirectUrl)) return url
      continue
    }
    const page = await res.text()
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1]
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1]
    if (res.status !== 200 || action === undefined || prompt === undefined) throw new Error(`unexpected provider page ${res.status} at ${url}: ${page.slice(0, 300)}`)
    const answer = await call(new URL(action.replace(/&amp;/g, '&'), url).href, prompt === 'login' ? { prompt, login, password: 'any' } : { prompt })
    url = new URL(answer.headers.get('location') ?? '', url).href
    if (url.startsWith(redirectUrl)) return url
  }
  throw new Error('the provider did not send the browser back to Sillage')
}
