import t from 'tap'
import { accessibilityViolations, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { freePort, oidcEnv, startTestProvider, type TestProvider } from '../helpers/oidc-provider.ts'
import { KEYS } from '../helpers/stack.ts'
import { seedEvents } from '../helpers/seed.ts'

// Events of two tenants: Alice (tenant brand-a at the provider) must see brand-a's only.
const seededA = seedEvents('sso-a', 30, Date.now() - 60_000)
const brandA = seededA.map(s => ({ ...s.body, audit: { ...(s.body.audit as object), tenant: 'brand-a' } }))
const brandB = seedEvents('sso-b', 20, Date.now() - 60_000).map(s => ({ ...s.body, audit: { ...(s.body.audit as object), tenant: 'brand-b' } }))

let s: BrowserStack
let provider: TestProvider
t.before(async () => {
  const port = await freePort()
  const redirect = `http://127.0.0.1:${port}/v1/auth/oidc/callback`
  // The provider on "localhost", Sillage on 127.0.0.1: two sites, so the browser applies its cross-site cookie rules.
  provider = await startTestProvider(redirect, 'localhost')
  t.teardown(provider.close)
  s = await startBrowserStack(t, oidcEnv(provider, redirect), port)
  await s.ingest([...brandA, ...brandB], KEYS.ingest)
  if (await s.waitForCount(brandA.length + brandB.length) !== brandA.length + brandB.length) throw new Error('seed not indexed')
})

/** The provider's own login and consent pages, as a person fills them in. */
async function atProvider (page: Awaited<ReturnType<BrowserStack['page']>>, login: string): Promise<void> {
  await page.waitForURL(url => url.host === new URL(provider.issuer).host)
  await page.locator('input[name=login]').fill(login)
  await page.locator('input[name=password]').fill('any password')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

t.test('a person signs in with single sign-on and lands in Discover, seeing their tenant only', async t => {
  const page = await s.page()
  await page.goto('/console/discover?from=now-30d&to=now')
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
  await atProvider(page, 'alice')
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  t.match(new URL(page.url()).pathname + new URL(page.url()).search, '/console/discover?from=now-30d&to=now', 'back on the view that began the sign-in')
  await page.getByText('Alice Martin').waitFor()
  await page.getByText('Tenant: brand-a').waitFor()
  await page.getByText(`${brandA.length} events`, { exact: true }).first().waitFor()
  t.equal(await page.evaluate(() => sessionStorage.length), 0, 'no key in the tab')
  const cookie = (await page.context().cookies()).find(c => c.name === 'sillage-session')
  t.match(cookie, { httpOnly: true, sameSite: 'Strict', path: '/', secure: false }, 'HttpOnly, SameSite=Strict session cookie')
  t.notOk((await page.context().cookies()).some(c => c.name === 'sillage-oidc'), 'the login cookie is gone')

  // Searches are POSTs: the console sends the session's CSRF token with them.
  const action = seededA[0]?.action ?? 'login'
  await page.getByRole('combobox', { name: 'Search (KQL)' }).fill(`event.action:${action}`)
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  const matching = seededA.filter(e => e.action === action).length
  await page.getByText(`${matching} event${matching === 1 ? '' : 's'}`, { exact: true }).first().waitFor()
  await s.screenshot(page, 'sso-discover')

  // A sign-out the server does not complete leaves the session open there: the tab says so and stays signed in.
  let refused = 0
  await page.route(/\/v1\/auth\/logout$/, async route => {
    if (refused++ > 0) return await route.continue()
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ message: 'Redis is unavailable' }) })
  })
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('alert').filter({ hasText: 'Signing out failed, so your single sign-on session is still open: Redis is unavailable' }).waitFor()
  t.ok(await page.getByText('Alice Martin').isVisible(), 'still signed in, as the server still holds the session')
  t.equal((await page.request.get('/v1/me', { headers: { cookie: `sillage-session=${cookie?.value ?? ''}` } })).status(), 200, 'which is open')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor()
  const after = await page.request.get('/v1/me', { headers: { cookie: `sillage-session=${cookie?.value ?? ''}` } })
  t.equal(after.status(), 401, 'signing out ended the session on the server')
  await page.context().close()
})

t.test('a person without a mapped role sees why, and is not signed in', async t => {
  const page = await s.page()
  await page.goto('/console/')
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor()
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation on the sign-in page')
  await s.screenshot(page, 'sso-sign-in')
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click()
  await atProvider(page, 'bob')
  await page.getByRole('heading', { name: 'Sign-in refused' }).waitFor()
  await page.getByText(/holds no role that gives access to Sillage/).waitFor()
  t.equal(await page.locator('main').evaluate(m => getComputedStyle(m).backgroundColor), 'rgb(255, 255, 255)', 'the page is styled: its policy allows its own style')
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation on the refusal page')
  t.notOk((await page.context().cookies()).some(c => c.name === 'sillage-session'), 'no session cookie')
  await s.screenshot(page, 'sso-refused')
  await page.getByRole('link', { name: 'Back to the console' }).click()
  await page.getByLabel('API key').waitFor()
  await page.context().close()
})
