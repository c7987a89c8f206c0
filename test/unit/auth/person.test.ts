import t from 'tap'
import { claimAt, personFromClaims, personId, rolesOf } from '../../../src/auth/person.ts'
import { parseRoles } from '../../../src/config/oidc-config.ts'

const problems: string[] = []
const mapping = {
  issuer: 'https://id.example.com',
  tenantClaim: 'tenant',
  platformTenant: '*',
  rolesClaim: 'roles',
  roles: parseRoles('fraud:read+export,support:read:masked,admin:admin', problems)
}

t.test('roles map to the union of their scopes; the tenant comes from its claim', async t => {
  t.same(problems, [])
  const r = personFromClaims({ sub: 'u1', name: 'Alice Martin', tenant: 'brand-a', roles: ['fraud', 'support', 'other'] }, mapping)
  t.same(r, { ok: true, principal: { keyId: personId(mapping.issuer, 'u1'), scopes: ['read', 'export', 'read:masked'], tenant: 'brand-a', person: { subject: 'u1', name: 'Alice Martin', issuer: mapping.issuer } } })
  t.match(personId(mapping.issuer, 'u1'), /^person:[0-9a-f]{8}:u1$/)
  const platform = personFromClaims({ sub: 'u2', preferred_username: 'ops', tenant: '*', roles: 'admin' }, mapping)
  t.match(platform, { ok: true, principal: { tenant: null, scopes: ['admin'], person: { name: 'ops' } } }, 'the configured platform value means every tenant')
})

t.test('no mapped role, no tenant or a bad one: refused with the reason', async t => {
  const refused = personFromClaims({ sub: 'u3', tenant: 'brand-a', roles: ['staff'] }, mapping)
  t.match(refused, { ok: false, reason: /no role that gives access.*"roles": staff\); ask your administrator for access/ })
  t.notMatch(refused.ok ? '' : refused.reason, /fraud|support|admin\b/, 'the roles that would give access are not named')
  t.match(personFromClaims({ sub: 'u3', tenant: 'brand-a' }, mapping), { ok: false, reason: /"roles": none/ })
  t.match(personFromClaims({ sub: 'u4', roles: ['fraud'] }, mapping), { ok: false, reason: /names no tenant/ })
  t.match(personFromClaims({ sub: 'u4', roles: ['fraud'], tenant: 'Brand A' }, mapping), { ok: false, reason: /not a tenant name/ })
  t.match(personFromClaims({ sub: 'u4', roles: ['fraud'], tenant: '*' }, { ...mapping, platformTenant: undefined }), { ok: false }, 'no platform-wide person unless configured')
  t.match(personFromClaims({ roles: ['fraud'], tenant: 'brand-a' }, mapping), { ok: false, reason: /subject/ })
})

t.test('claims by whole name or dotted path; roles as a list or a string', async t => {
  t.same(claimAt({ realm_access: { roles: ['a'] } }, 'realm_access.roles'), ['a'])
  t.equal(claimAt({ 'https://x.example/tenant': 't1' }, 'https://x.example/tenant'), 't1')
  t.equal(claimAt({ a: 'x' }, 'a.b'), undefined)
  t.same(rolesOf('fraud support,admin'), ['fraud', 'support', 'admin'])
  t.same(rolesOf(['a', 3, 'b']), ['a', 'b'])
  t.same(rolesOf(undefined), [])
})
