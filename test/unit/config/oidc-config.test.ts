import t from 'tap'
import { ConfigError, loadConfig } from '../../../src/config/config.ts'

const KEYS = { SILLAGE_API_KEYS: 'admin-key-12345678901:admin' }
const OIDC = {
  SILLAGE_OIDC_ISSUER: 'https://id.example.com/realms/back-office',
  SILLAGE_OIDC_CLIENT_ID: 'sillage',
  SILLAGE_OIDC_REDIRECT_URL: 'https://audit.example.com/v1/auth/oidc/callback',
  SILLAGE_OIDC_ROLES: 'fraud:read+export,support:read:masked,admin:admin'
}

t.test('single sign-on is off without an issuer; sessions default to 8 h and 30 min idle', async t => {
  const c = loadConfig(KEYS)
  t.equal(c.oidc, undefined)
  t.same(c.session, { maxSeconds: 28800, idleSeconds: 1800, secureCookies: true })
})

t.test('a full configuration', async t => {
  const c = loadConfig({ ...KEYS, ...OIDC, SILLAGE_OIDC_SCOPES: 'profile groups', SILLAGE_OIDC_ROLES_CLAIM: 'realm_access.roles', SILLAGE_SESSION_IDLE_SECONDS: '600' })
  t.match(c.oidc, { issuer: OIDC.SILLAGE_OIDC_ISSUER, clientId: 'sillage', clientSecret: undefined, scopes: ['openid', 'profile', 'groups'], tenantClaim: 'tenant', rolesClaim: 'realm_access.roles', platformTenant: undefined })
  t.same([...(c.oidc?.roles ?? [])], [['fraud', ['read', 'export']], ['support', ['read:masked']], ['admin', ['admin']]])
  t.same(c.session, { maxSeconds: 28800, idleSeconds: 600, secureCookies: true })
  const dev = loadConfig({ ...KEYS, ...OIDC, SILLAGE_OIDC_ISSUER: 'http://localhost:8080', SILLAGE_OIDC_REDIRECT_URL: 'http://127.0.0.1:3000/v1/auth/oidc/callback' })
  t.equal(dev.session.secureCookies, false, 'plain http on loopback: cookies without Secure')
})

t.test('every problem is named at once', async t => {
  const err = t.throws(() => loadConfig({
    ...KEYS,
    SILLAGE_OIDC_ISSUER: 'http://id.example.com',
    SILLAGE_OIDC_REDIRECT_URL: 'https://audit.example.com/callback',
    SILLAGE_OIDC_ROLES: 'fraud:read+write,lonely',
    SILLAGE_SESSION_IDLE_SECONDS: '90000',
    SILLAGE_SESSION_MAX_SECONDS: '0'
  })) as ConfigError
  const text = err.problems.join('\n')
  for (const needle of ['SILLAGE_OIDC_ISSUER="http://id.example.com" must be an https://', 'SILLAGE_OIDC_CLIENT_ID is required', 'must end with /v1/auth/oidc/callback', 'unknown scope(s) "write"', 'entry 2 ("lonely")', 'SILLAGE_SESSION_MAX_SECONDS="0"', 'must not exceed']) t.match(text, needle)
  t.throws(() => loadConfig({ ...KEYS, SILLAGE_OIDC_CLIENT_ID: 'x' }), /SILLAGE_OIDC_CLIENT_ID set without SILLAGE_OIDC_ISSUER/)
  t.throws(() => loadConfig({ ...KEYS, ...OIDC, SILLAGE_OIDC_ROLES: '' }), /SILLAGE_OIDC_ROLES is required/)
})
