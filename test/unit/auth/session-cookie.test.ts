import t from 'tap'
import { clearCookie, cookieNames, readCookie, setCookie } from '../../../src/auth/session-cookie.ts'

t.test('cookies: __Host- names when Secure, HttpOnly, Path=/, SameSite, no Domain', async t => {
  t.same(cookieNames(true), { session: '__Host-sillage-session', flow: '__Host-sillage-oidc' })
  t.equal(setCookie('__Host-s', 'v', { secure: true, sameSite: 'Strict' }), '__Host-s=v; Path=/; HttpOnly; SameSite=Strict; Secure')
  t.equal(setCookie('f', 'v', { secure: false, sameSite: 'Lax', maxAgeSeconds: 600 }), 'f=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=600')
  t.equal(clearCookie('s', { secure: false, sameSite: 'Strict' }), 's=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0')
})

t.test('reading one cookie from the header', async t => {
  t.equal(readCookie('a=1; sillage-session=abc; b=2', 'sillage-session'), 'abc')
  t.equal(readCookie('xsillage-session=abc', 'sillage-session'), undefined)
  t.equal(readCookie('sillage-session=', 'sillage-session'), undefined)
  t.equal(readCookie(undefined, 's'), undefined)
})
