import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Page } from 'playwright-core'
import { accessibilityViolations, signIn, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { seedEvents } from '../helpers/seed.ts'
import { auth, KEYS } from '../helpers/stack.ts'
import { accessIndex } from '../../src/store/system/access-log.ts'
import { writeDeadLetters } from '../../src/store/system/dead-letters.ts'
import { runRule, until } from '../helpers/watch.ts'

const N = 200
const seeded = seedEvents('adm', N, Date.now() - 60_000)
const failedLogins = seeded.filter(e => e.action === 'login' && e.outcome === 'failure').length

let s: BrowserStack
t.before(async () => {
  // Checkpoints every second, written to this file's own checkpoint file.
  const dir = mkdtempSync(join(tmpdir(), 'sillage-admin-'))
  s = await startBrowserStack(t, { SILLAGE_CHECKPOINT_MS: '1000', SILLAGE_CHECKPOINT_FILE: join(dir, 'checkpoints.ndjson'), SILLAGE_WEBHOOKS_ALLOW_LOOPBACK: 'on', SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on' })
  await s.ingest(seeded.map(e => e.body))
  if (await s.waitForCount(N) !== N) throw new Error('seed not indexed')
})

const totalText = (n: number): RegExp => new RegExp(`^${n.toLocaleString('en-GB')} ${n === 1 ? 'event' : 'events'}$`)
const inject = async (method: 'GET' | 'PUT', url: string, key: string, payload?: object, headers: Record<string, string> = {}): Promise<{ status: number, body: unknown }> => {
  const res = await s.api.app.inject({ method, url, headers: { ...auth(key), ...headers }, ...(payload === undefined ? {} : { payload }) })
  return { status: res.statusCode, body: res.body === '' ? null : JSON.parse(res.body) }
}
const keyIdOf = async (key: string): Promise<string> => ((await inject('GET', '/v1/me', key)).body as { keyId: string }).keyId
const savedOf = async (key: string): Promise<Array<Record<string, unknown>>> => ((await inject('GET', '/v1/saved-searches', key)).body as { savedSearches: Array<Record<string, unknown>> }).savedSearches
const noSeriousViolation = async (t: Test, page: Page, view: string): Promise<void> => { t.same(await accessibilityViolations(page), [], `no serious accessibility violation on ${view}`) }
const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) })

t.test('a search saved from Discover reopens with the same query and total; renaming meets a conflict; deleting asks first', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?q=event.action%3Alogin&from=now-30d&to=now&outcome=failure')
  await page.getByText(totalText(failedLogins)).first().waitFor()
  await page.getByRole('button', { name: 'Save search' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Failed logins')
  await page.getByLabel('Share with everyone in the tenant').check()
  await noSeriousViolation(t, page, 'the save form')
  await s.screenshot(page, 'discover-save-form')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByText('Saved as “Failed logins”.').waitFor()
  await s.screenshot(page, 'saved-from-discover')

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Saved searches' }).click()
  await row(page, 'Failed logins').waitFor()
  t.match(await row(page, 'Failed logins').textContent(), /event\.action:login.*now-30d → now.*Shared with the tenant.*You/)
  await noSeriousViolation(t, page, 'the saved searches')
  await page.getByRole('link', { name: 'Open Failed logins in Discover' }).click()
  await page.getByText(totalText(failedLogins)).first().waitFor()
  t.equal(await page.getByRole('combobox', { name: 'Search (KQL)' }).inputValue(), 'event.action:login')
  t.equal(new URL(page.url()).searchParams.get('outcome'), 'failure', 'the chip comes back as a chip')

  await page.goBack()
  await page.getByRole('button', { name: 'Rename Failed logins' }).click()
  await page.getByLabel('New name for Failed logins').fill('Failed logins, 30 days')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByText('Renamed to “Failed logins, 30 days”.').waitFor()
  await row(page, 'Failed logins, 30 days').waitFor()

  // Someone else renames it through the API while this page still holds the version it read.
  const [current] = await savedOf(KEYS.read)
  const { id, owner: _o, tenant: _t, created_at: _c, updated_at: _u, version, ...input } = current ?? {}
  const changed = await inject('PUT', `/v1/saved-searches/${id}`, KEYS.read, { ...input, name: 'Renamed elsewhere' }, { 'if-match': `"${version}"` })
  t.equal(changed.status, 200)
  await page.getByRole('button', { name: 'Rename Failed logins, 30 days' }).click()
  await page.getByLabel('New name for Failed logins, 30 days').fill('Mine')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'was changed by someone else' })
  await alert.waitFor()
  t.match(await alert.textContent(), /current version/, 'the API\'s 409 answer is shown')
  await noSeriousViolation(t, page, 'the rename conflict')
  await s.screenshot(page, 'saved-conflict')
  await alert.getByRole('button', { name: 'Reload the saved searches' }).click()
  await row(page, 'Renamed elsewhere').waitFor()
  t.equal(await row(page, 'Mine').count(), 0, 'nothing overwritten')

  await page.getByRole('button', { name: 'Delete Renamed elsewhere' }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Delete “Renamed elsewhere”?' })
  await confirm.waitFor()
  t.ok(await confirm.getByRole('button', { name: 'Cancel' }).evaluate(el => el === document.activeElement), 'focus starts on Cancel')
  await noSeriousViolation(t, page, 'the delete confirmation')
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await page.getByText('Deleted “Renamed elsewhere”.').waitFor()
  await page.getByText('No saved search yet').waitFor()
  t.equal((await savedOf(KEYS.read)).length, 0)
  await page.context().close()
})

t.test('saved searches go to Kibana and come back from it', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?q=event.action%3Adeposit&from=now-7d&to=now&country=FR')
  await page.getByRole('button', { name: 'Save search' }).click()
  await page.getByLabel('Name', { exact: true }).fill('French deposits')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByText('Saved as “French deposits”.').waitFor()
  await page.getByRole('link', { name: 'Saved searches' }).last().click()
  await row(page, 'French deposits').waitFor()

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export for Kibana' }).click()])
  t.equal(download.suggestedFilename(), 'sillage-saved-searches.ndjson')
  const ndjson = readFileSync(await download.path(), 'utf8')
  const search = ndjson.trim().split('\n').map(l => JSON.parse(l) as { type?: string, attributes?: { title?: string } }).find(o => o.type === 'search')
  t.equal(search?.attributes?.title, 'French deposits')

  // The same file imported back: the search comes in once more, as a new saved search.
  await page.getByLabel('Import a Kibana NDJSON file').setInputFiles({ name: 'kibana.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(ndjson) })
  await page.getByText('Searches imported from kibana.ndjson: 1.').waitFor()
  // The list is read again after the import: wait for the imported copy rather than count while it loads.
  await row(page, 'French deposits').nth(1).waitFor()
  t.equal(await row(page, 'French deposits').count(), 2)
  await page.getByLabel('Import a Kibana NDJSON file').setInputFiles({ name: 'bad.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"type":"search","id":"x","attributes":{"title":"Lucene","kibanaSavedObjectMeta":{"searchSourceJSON":"{\\"query\\":{\\"language\\":\\"lucene\\",\\"query\\":\\"a:b\\"}}"}}}\n') })
  await page.getByRole('alert').getByText(/Line 1:/).waitFor()
  await s.screenshot(page, 'saved-list')
  await page.context().close()
})

t.test('an admin creates a key whose secret is shown once; it signs in; rotated, then revoked, it is refused', async t => {
  const page = await s.page()
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: s.origin })
  await signIn(page, KEYS.admin)
  await page.getByRole('link', { name: 'Administration' }).click()
  await page.getByRole('heading', { name: 'Create a key' }).waitFor()
  await noSeriousViolation(t, page, 'the API keys')
  await page.getByLabel('Name', { exact: true }).fill('fraud desk')
  await page.getByRole('checkbox', { name: 'export' }).check()
  await page.getByLabel('Tenant', { exact: true }).fill('brand-a')
  await page.getByRole('button', { name: 'Create the key' }).click()
  const secretBox = page.getByLabel('New API key for fraud desk')
  await secretBox.waitFor()
  const secret = await secretBox.inputValue()
  t.match(secret, /^sil_[0-9a-f]{16}_/)
  t.ok(await page.getByText(/only time this key is shown/).isVisible(), 'the warning is shown')
  await page.getByRole('button', { name: 'Copy the key' }).click()
  await page.getByText('Copied to the clipboard').waitFor()
  t.equal(await page.evaluate(async () => await navigator.clipboard.readText()), secret)
  t.notMatch(page.url(), secret.slice(4, 20))
  t.same(await page.evaluate(s => [...Object.values(localStorage), ...Object.values(sessionStorage)].filter(v => v.includes(s)), secret), [], 'the new secret is stored nowhere')
  await noSeriousViolation(t, page, 'the new key\'s secret')
  await s.screenshot(page, 'admin-key-created')

  const other = await s.page()
  await signIn(other, secret)
  await other.getByText('Tenant: brand-a').waitFor()
  t.notOk(await other.getByRole('link', { name: 'Administration' }).isVisible())
  await other.context().close()

  await page.getByRole('button', { name: 'I have kept it: hide the key' }).click()
  t.equal(await page.getByLabel('New API key for fraud desk').count(), 0, 'hidden for good')
  await page.reload()
  await row(page, 'fraud desk').waitFor()
  t.equal(await page.getByText(secret).count(), 0, 'the list never shows a secret')

  await page.getByRole('button', { name: 'Rotate fraud desk' }).click()
  await page.getByRole('alertdialog', { name: 'Rotate “fraud desk”?' }).getByRole('button', { name: 'Rotate' }).click()
  await page.getByRole('heading', { name: 'Key “fraud desk” rotated: copy the new key now' }).waitFor()
  const rotated = await page.getByLabel('New API key for fraud desk').inputValue()
  t.match(rotated, /^sil_[0-9a-f]{16}_/)
  t.not(rotated, secret, 'a new secret')
  await page.getByRole('button', { name: 'I have kept it: hide the key' }).click()
  // The list read again after a change replaces the one shown meanwhile.
  await row(page, 'fraud desk').nth(1).waitFor()
  t.equal(await row(page, 'fraud desk').count(), 2, 'the old key, revoked, and its replacement')

  await page.getByRole('button', { name: 'Revoke fraud desk' }).click()
  await page.getByRole('alertdialog', { name: 'Revoke “fraud desk”?' }).getByRole('button', { name: 'Revoke' }).click()
  await page.getByText('Key “fraud desk” revoked').waitFor()
  await row(page, 'fraud desk').filter({ hasText: 'Active' }).first().waitFor({ state: 'detached' })
  t.equal(await row(page, 'fraud desk').filter({ hasText: /Revoked / }).count(), 2, 'both revoked')
  await noSeriousViolation(t, page, 'the API keys after revocation')
  await s.screenshot(page, 'admin-keys')

  for (const key of [secret, rotated]) {
    const refused = await s.page()
    await refused.goto('/console/')
    await refused.getByLabel('API key').fill(key)
    await refused.getByRole('button', { name: 'Sign in' }).click()
    await refused.getByRole('alert').getByText(/This key was refused/).waitFor()
    await refused.context().close()
  }
  await page.context().close()
})

t.test('rotating the key the console is signed in with keeps the new secret on screen and the console signed in with it', async t => {
  const made = await s.api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth(KEYS.admin), payload: { name: 'my console', scopes: ['admin'] } })
  const own = (JSON.parse(made.body) as { key: string }).key
  const page = await s.page()
  await signIn(page, own, '/console/admin/keys')
  await row(page, 'my console').getByText('this key', { exact: true }).waitFor()
  t.equal(await row(page, 'fraud desk').getByText('this key', { exact: true }).count(), 0, 'only the key in use is marked')
  await page.getByRole('button', { name: 'Rotate my console' }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Rotate “my console”?' })
  await confirm.getByText('it switches to the new key at once').waitFor()
  await confirm.getByRole('button', { name: 'Rotate' }).click()
  await page.getByRole('heading', { name: 'Key “my console” rotated: copy the new key now' }).waitFor()
  const rotated = await page.getByLabel('New API key for my console').inputValue()
  // The list is read again after the rotation: with the old key, it would be refused and the tab signed out.
  await row(page, 'my console').nth(1).waitFor()
  t.equal(await page.getByLabel('New API key for my console').inputValue(), rotated, 'the new secret is still on screen')
  t.ok(await page.getByText('This console now uses the new key').isVisible(), 'and says the console switched to it')
  t.ok(await row(page, 'my console').filter({ hasText: 'Active' }).getByText('this key', { exact: true }).isVisible(), 'the new key is marked as the one in use')
  t.equal((await inject('GET', '/v1/me', own)).status, 401, 'the old key is refused')

  await page.goto('/console/discover?from=now-30d&to=now')
  await page.getByText(totalText(N)).first().waitFor()
  t.pass('after a reload, the tab searches with the new key')
  await page.goto('/console/admin/keys')
  await page.getByRole('button', { name: 'Revoke my console' }).click()
  const revoke = page.getByRole('alertdialog', { name: 'Revoke “my console”?' })
  await revoke.getByText('revoking it signs you out at once').waitFor()
  await s.screenshot(page, 'admin-revoke-own-key')
  await revoke.getByRole('button', { name: 'Revoke' }).click()
  await page.getByLabel('API key').waitFor()
  t.pass('revoking the key in use signs out, as warned')
  await page.context().close()
})

t.test('the access log lists the searches just made, filtered by key', async t => {
  const readId = await keyIdOf(KEYS.read)
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/admin/access-log')
  await page.getByLabel('Key id').fill(readId)
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(new RegExp(`key=${readId}`))
  const searches = page.getByRole('row').filter({ hasText: 'POST /v1/events/search' }).filter({ hasText: 'event.action:login' })
  // Access records are written in bulk every second.
  const settled = async (): Promise<void> => { await page.getByText('Loading…').waitFor({ state: 'hidden' }) }
  await settled()
  for (let i = 0; i < 20 && await searches.count() === 0; i++) {
    await page.waitForTimeout(500)
    await page.getByRole('button', { name: 'Refresh' }).click()
    await settled()
  }
  t.ok(await searches.count() > 0, 'the searches of the read key are listed')
  t.match(await searches.first().textContent(), new RegExp(`${readId}.*200.*${failedLogins}`), 'key, status and results')
  t.equal(await page.getByRole('row').filter({ hasText: await keyIdOf(KEYS.admin) }).count(), 0, 'only that key')
  await noSeriousViolation(t, page, 'the access log')
  await s.screenshot(page, 'admin-access-log')

  // The administrator's own changes: the keys made, rotated and revoked above, and no read among them.
  const adminId = await keyIdOf(KEYS.admin)
  await page.getByLabel('Key id').fill(adminId)
  await page.getByRole('button', { name: 'Filter' }).click()
  await page.waitForURL(new RegExp(`key=${adminId}`))
  const shown = page.getByLabel('Show', { exact: true })
  await shown.selectOption('changes')
  await page.waitForURL(/changes=1/)
  const changes = page.getByRole('table', { name: new RegExp(`^Changes made by key ${adminId}`) })
  await changes.waitFor()
  const rows = changes.locator('tbody tr')
  t.ok(await rows.filter({ hasText: 'api_key.created' }).count() > 0, 'a key made in the console is a change')
  t.ok(await rows.filter({ hasText: 'api_key.revoked' }).count() > 0, 'so is a key revoked')
  t.equal(await rows.filter({ hasText: 'GET /v1' }).count(), 0, 'no read among the changes')
  t.ok(await rows.filter({ hasText: 'api_key.createdon brand-a' }).count() > 0, 'the key made for brand-a names the tenant it touched')
  await s.screenshot(page, 'admin-access-log-changes')
  // One kind of change, from the actions the API documents.
  await shown.selectOption('api_key.revoked')
  await page.waitForURL(/action=api_key.revoked/)
  const revoked = page.getByRole('table', { name: new RegExp(`^Changes api_key.revoked by key ${adminId}`) })
  await revoked.waitFor()
  t.ok(await revoked.locator('tbody tr').count() > 0 && await revoked.locator('tbody tr').filter({ hasNotText: 'api_key.revoked' }).count() === 0, 'that change alone')
  await page.context().close()

  // brand-a's administrator sees the key the platform made for brand-a, marked as the platform's.
  const tenantPage = await s.page()
  await signIn(tenantPage, KEYS.aAdmin, '/console/admin/access-log?changes=1')
  const tenantChanges = tenantPage.getByRole('table', { name: /^Changes/ })
  await tenantChanges.waitFor()
  const platformRows = tenantChanges.locator('tbody tr').filter({ hasText: adminId })
  t.ok(await platformRows.filter({ hasText: 'platform key' }).filter({ hasText: 'api_key.created' }).count() > 0, 'the platform\'s change to brand-a is in brand-a\'s log')
  t.equal(await tenantChanges.locator('tbody tr').filter({ hasText: 'on brand-a' }).count(), 0, 'a tenant\'s own log does not repeat its name')
  await s.screenshot(tenantPage, 'admin-access-log-tenant')
  await tenantPage.context().close()
})

t.test('the access log reads on past its first page', async t => {
  // 230 reads by one key, a second apart, beyond the first page of 200 (recent: the worker's maintenance run deletes
  // records past the security retention).
  const start = Date.now() - 86_400_000
  const at = (i: number) => new Date(start + i * 1000).toISOString()
  const operations = Array.from({ length: 230 }, (_, i) => [{ create: { _index: accessIndex(s.config.indexPrefix) } }, { '@timestamp': at(i), id: `pager-${i}`, key_id: 'pager', tenant: null, method: 'GET', route: '/v1/events', url: `/v1/events?n=${i}`, status: 200, took_ms: 1 }]).flat()
  await s.es.bulk({ operations, refresh: true })
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/admin/access-log?key=pager')
  await page.getByRole('table', { name: 'Reads and changes by key pager, newest first (200 shown)' }).waitFor()
  await page.getByRole('button', { name: 'Load more' }).click()
  await page.getByRole('table', { name: 'Reads and changes by key pager, newest first (230 shown)' }).waitFor()
  t.equal(await page.getByRole('row').filter({ hasText: '/v1/events?n=' }).count(), 230, 'every read once')
  t.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0, 'no more to load after the last page')
  t.ok(await page.getByRole('row').last().textContent().then(text => text?.includes('/v1/events?n=0')), 'the oldest last')
  await page.context().close()
})

t.test('the importance rules are shown and a change made meanwhile is explained', async t => {
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/admin/rules')
  await page.getByRole('table', { name: /Importance rules, version 0/ }).waitFor()
  t.ok(await row(page, 'large-withdrawal').isVisible())
  await page.getByRole('button', { name: 'Edit the table as JSON' }).click()
  const editor = page.getByLabel(/Rule table \(JSON\), read at version 0/)
  const rules = JSON.parse(await editor.inputValue()) as Array<{ id: string, score: number }>
  t.equal((await inject('PUT', '/v1/importance-rules', KEYS.admin, { version: 0, rules })).status, 200, 'changed behind the page')
  const first = rules[0]
  if (first === undefined) throw new Error('no rule')
  first.score = 96
  await editor.fill(JSON.stringify(rules, null, 2))
  await page.getByRole('button', { name: 'Save the table' }).click()
  await page.getByRole('alert').getByText('changed by someone else').waitFor()
  await noSeriousViolation(t, page, 'the rules editor')
  await s.screenshot(page, 'admin-rules-conflict')
  await page.getByRole('button', { name: /Load the current table/ }).click()
  await page.getByLabel(/read at version 1/).fill(JSON.stringify(rules, null, 2))
  await page.getByRole('button', { name: 'Save the table' }).click()
  await page.getByText('Rule table saved: version 2.').waitFor()
  await page.getByRole('table', { name: /Importance rules, version 2/ }).waitFor()
  t.match(await row(page, first.id).textContent(), /96/)
  await s.screenshot(page, 'admin-rules')
  await page.context().close()
})

t.test('the integrity page shows the key id, the latest checkpoint, a verification and one event\'s proof', async t => {
  const key = (await inject('GET', '/v1/integrity/public-key', KEYS.read)).body as { keyId: string }
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/integrity')
  await page.getByRole('link', { name: 'Integrity' }).waitFor()
  await page.getByText(key.keyId).first().waitFor()
  await page.getByLabel('Tenant').fill('default')
  await page.getByRole('button', { name: 'Show' }).click()
  const checkpoint = page.getByRole('region', { name: 'Latest signed checkpoint' })
  for (let i = 0; i < 20 && !(await checkpoint.getByText('Events covered').isVisible()); i++) { await page.waitForTimeout(500); await page.reload() }
  await checkpoint.getByText(/^Valid:/).waitFor()
  await page.getByRole('button', { name: 'Verify now' }).click()
  await page.getByText('The log is intact.').waitFor()
  await page.getByLabel('Event id').fill(seeded[5]?.id ?? '')
  await page.getByRole('button', { name: 'Check the proof' }).click()
  await page.getByText(/^Included: the audit path leads/).waitFor()
  t.ok(await page.getByRole('region', { name: 'Check one event' }).getByText(/^Valid:/).isVisible(), 'the signature verifies in the browser')
  await noSeriousViolation(t, page, 'the integrity view')
  await page.evaluate(() => window.scrollTo(0, 0))
  await s.screenshot(page, 'integrity')
  await page.getByRole('region', { name: 'Check one event' }).evaluate(el => el.scrollIntoView())
  await s.screenshot(page, 'integrity-proof')
  await page.context().close()

  const tenantPage = await s.page()
  await signIn(tenantPage, KEYS.aRead, '/console/integrity')
  await tenantPage.getByText(key.keyId).first().waitFor()
  await tenantPage.getByText(/^No signed checkpoint covers this tenant’s events yet/).waitFor()
  t.equal(await tenantPage.getByRole('button', { name: 'Verify now' }).count(), 0, 'verification is for admin keys')
  await tenantPage.context().close()

  const maskedPage = await s.page()
  await signIn(maskedPage, KEYS.aMasked, '/console/integrity')
  await maskedPage.getByText(key.keyId).first().waitFor()
  await maskedPage.getByText(/^Checkpoints and proofs are for keys that read clear data/).waitFor()
  t.equal(await maskedPage.getByRole('alert').count(), 0, 'a masked reader is told why, not shown the API\'s refusal')
  t.equal(await maskedPage.getByRole('region', { name: 'Latest signed checkpoint' }).count(), 0)
  await maskedPage.context().close()
})

t.test('the API reference (/docs) renders under its own policy: this origin only, never framed', async t => {
  const page = await s.page()
  const answer = await page.goto('/docs/static/index.html')
  const policy = answer?.headers()['content-security-policy'] ?? ''
  t.match(policy, /frame-ancestors 'none'/)
  t.notMatch(policy, /https:|upgrade-insecure-requests/, 'nothing from other sites; plain HTTP on loopback still works')
  await page.getByText('/v1/events/search', { exact: true }).first().waitFor()
  await s.screenshot(page, 'api-docs')
})

t.test('dead letters: listed, inspected whole, replayed into the store; an id conflict is not offered a replay', async t => {
  const prefix = s.config.indexPrefix
  // A stored event, copied under new ids, stands for events the store refused.
  const hit = (await s.es.search<Record<string, unknown> & { event: Record<string, unknown> }>({ index: `${prefix}-events`, size: 1, query: { term: { 'audit.tenant': 'default' } } })).hits.hits[0]
  if (hit?._source === undefined) throw new Error('no stored event to copy')
  const copy = (id: string): string => JSON.stringify({ ...hit._source, event: { ...hit._source?.event, id } })
  await writeDeadLetters(s.es, prefix, [
    { event: { id: 'dead-1', tenant: 'default', index: hit._index, json: copy('dead-1') }, status: 400, errorType: 'document_parsing_exception', reason: 'failed to parse field [audit.reference] of type [keyword]' },
    { event: { id: 'dead-2', tenant: 'default', index: hit._index, json: copy('dead-2') }, status: 409, errorType: 'id_conflict', reason: 'event id "dead-2" is stored with other content' }
  ])
  await s.es.indices.refresh({ index: `${prefix}-deadletter` })

  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/admin/dead-letters')
  const table = page.getByRole('table', { name: 'Dead letters, newest refusal first (2 of 2 shown)' })
  await table.waitFor()
  const conflict = table.getByRole('row').filter({ hasText: 'dead-2' })
  t.ok(await conflict.getByText('stored with other content: not replayable').isVisible(), 'an id conflict says why it cannot be replayed')
  t.equal(await conflict.getByRole('button', { name: /^Replay/ }).count(), 0)
  await noSeriousViolation(t, page, 'dead letters')
  await s.screenshot(page, 'admin-dead-letters')

  await page.getByRole('button', { name: 'Show the dead letter of event dead-1 (default)' }).click()
  const letter = page.getByRole('dialog', { name: 'Dead letter of event dead-1' })
  await letter.getByText('"id": "dead-1"').waitFor()
  t.ok(await letter.getByText('failed to parse field [audit.reference] of type [keyword]').isVisible(), 'the reason in full')
  await noSeriousViolation(t, page, 'a dead letter')
  await s.screenshot(page, 'admin-dead-letter')
  await letter.getByRole('button', { name: 'Close', exact: true }).click()

  await page.getByRole('button', { name: 'Replay event dead-1 (default)' }).click()
  await page.getByText('1 queued again, 0 skipped.').waitFor()
  await page.getByRole('table', { name: 'Dead letters, newest refusal first (1 of 1 shown)' }).waitFor()
  await until('the replayed event stored', async () => {
    await s.es.indices.refresh({ index: `${prefix}-events` })
    return (await s.es.count({ index: `${prefix}-events`, query: { term: { 'event.id': 'dead-1' } } })).count === 1 ? true : undefined
  })
  // All the filter shows: the one left is an id conflict, skipped with why.
  await page.getByRole('button', { name: 'Replay the pending letters this filter shows' }).click()
  const confirm = page.getByRole('alertdialog', { name: 'Replay the pending letters this filter shows?' })
  t.ok(await confirm.getByText('This key administers every tenant: letters of all of them are replayed.').isVisible(), 'a platform key is told it replays every tenant\'s')
  await confirm.getByRole('button', { name: 'Replay' }).click()
  await page.getByText('0 queued again, 1 skipped.').waitFor()
  await page.getByText('Why some were skipped').click()
  await page.getByText(/event id "dead-2" is stored with other content/).first().waitFor()
  // A platform key narrows the list, and what replaying all takes, to one tenant.
  const tenantField = page.getByLabel('Tenant', { exact: true })
  await tenantField.fill('brand-b')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await page.getByText('No pending dead letter: every accepted event was stored.').waitFor()
  t.equal(new URL(page.url()).searchParams.get('tenant'), 'brand-b', 'the tenant is in the address')
  await tenantField.fill('default')
  await page.getByRole('button', { name: 'Filter', exact: true }).click()
  await page.getByRole('table', { name: 'Dead letters, newest refusal first (1 of 1 shown)' }).waitFor()
  await page.getByRole('button', { name: 'Replay the pending letters this filter shows' }).click()
  const scoped = page.getByRole('alertdialog', { name: 'Replay the pending letters this filter shows?' })
  t.ok(await scoped.getByText(/The pending letter of tenant default is queued again/).isVisible(), 'the confirmation names the tenant')
  t.equal(await scoped.getByText(/letters of all of them are replayed/).count(), 0, 'and no longer warns of every tenant')
  await scoped.getByRole('button', { name: 'Cancel' }).click()
  await page.getByLabel('Show', { exact: true }).selectOption('replayed')
  t.equal(await page.getByText('0 queued again, 1 skipped.').count(), 0, 'another filter: what was said of the previous list goes')
  await page.getByRole('table', { name: 'Dead letters, newest refusal first (1 of 1 shown)' }).getByRole('row').filter({ hasText: 'dead-1' }).getByText(/^replayed /).waitFor()
  t.equal(new URL(page.url()).searchParams.get('state'), 'replayed', 'the filter is in the address')
  await page.context().close()
})

t.test('notifications: a webhook made in the console receives an alert, its deliveries are listed, it is paused and deleted; a stream made there delivers, is paused, delivers again from the start, is changed and deleted', async t => {
  const received: Array<{ signature: string | undefined, body: { alert?: { id: string } } }> = []
  let streamed = 0
  const receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => { body += chunk.toString() })
    // Alerts come to /hook as JSON; the stream's NDJSON batches to /stream are counted by line.
    req.on('end', () => {
      if (req.url === '/hook') received.push({ signature: req.headers['sillage-signature'] as string | undefined, body: JSON.parse(body) })
      else streamed += body.split('\n').filter(line => line !== '').length
      res.writeHead(204).end()
    })
  })
  await new Promise<void>(resolve => receiver.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { receiver.close() })
  const port = (receiver.address() as AddressInfo).port

  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/admin/notifications')
  await page.getByText('No webhook: alerts are only listed in the console and the API.').waitFor()
  const newHook = page.getByRole('form', { name: 'New webhook' })
  await newHook.getByLabel('Name', { exact: true }).fill('SOC')
  await newHook.getByLabel('Address').fill('http://hooks.example.com/plain')
  await page.getByRole('button', { name: 'Create the webhook' }).click()
  await page.getByRole('alert').getByText(/https/).waitFor()
  t.pass('an address the API refuses is said')
  await newHook.getByLabel('Address').fill(`http://127.0.0.1:${port}/hook`)
  await newHook.getByLabel('From severity').selectOption('low')
  await page.getByRole('button', { name: 'Create the webhook' }).click()
  const secret = await page.getByLabel('Signing secret of SOC').inputValue()
  t.ok(secret.length >= 32, 'the signing secret shown once')
  await noSeriousViolation(t, page, 'a new webhook')
  await s.screenshot(page, 'admin-webhook-secret')
  await page.getByRole('button', { name: 'I have given it to the receiver: hide it' }).click()
  t.equal(await page.getByLabel('Signing secret of SOC').count(), 0, 'forgotten once hidden')

  // An alert: the webhook receives it, signed.
  const rule = await s.api.app.inject({ method: 'POST', url: '/v1/watch-rules', headers: auth(KEYS.admin), payload: { name: 'Any failed sign-in', interval: '1d', lookBack: '1h', condition: { kind: 'threshold', filters: { action: ['login'], outcome: ['failure'] }, window: '1d', bound: { op: 'gte', value: 1 } } } })
  t.equal(rule.statusCode, 201, rule.body)
  await runRule(s, rule.json().id as string, null)
  await until('the delivery', async () => received.length > 0 ? true : undefined)
  t.match(received[0], { signature: /\S/, body: { alert: { id: /\S/ } } })
  const hookId = ((await inject('GET', '/v1/webhooks', KEYS.admin)).body as { webhooks: Array<{ id: string }> }).webhooks[0]?.id as string
  // The log says delivered once the receiver's answer is recorded, just after it received the alert.
  await until('the delivery logged', async () => ((await inject('GET', `/v1/webhooks/${hookId}/deliveries`, KEYS.admin)).body as { deliveries: Array<{ status: string }> }).deliveries[0]?.status === 'succeeded' ? true : undefined)
  await page.getByRole('button', { name: 'Deliveries of SOC' }).click()
  const log = page.getByRole('dialog', { name: 'Deliveries of SOC' })
  await log.getByRole('row').filter({ hasText: received[0]?.body.alert?.id ?? '?' }).getByText('delivered').waitFor()
  await noSeriousViolation(t, page, 'a webhook\'s deliveries')
  await s.screenshot(page, 'admin-webhook-deliveries')
  await log.getByRole('button', { name: 'Close', exact: true }).click()

  await page.getByRole('button', { name: 'Pause SOC' }).click()
  await page.getByText('Webhook “SOC” paused: alerts are not sent to it until it is resumed.').waitFor()
  await page.getByRole('button', { name: 'Resume SOC' }).waitFor()
  t.match((await inject('GET', '/v1/webhooks', KEYS.admin)).body, { webhooks: [{ name: 'SOC', enabled: false, minSeverity: 'low' }] }, 'paused, the rest kept')

  // A stream made in the console to the same receiver, from the beginning: its state says what it delivered.
  const newStream = page.getByRole('form', { name: 'New log stream' })
  await newStream.getByLabel('Name', { exact: true }).fill('siem')
  await newStream.getByLabel('Tenant').fill('default')
  await newStream.getByLabel('Address').fill(`http://127.0.0.1:${port}/stream`)
  await newStream.getByLabel('Bearer token').fill('siem-token-1234')
  await newStream.getByLabel(/^Only events matching/).fill('event.action:(')
  await newStream.getByLabel('Start with').selectOption('beginning')
  await page.getByRole('button', { name: 'Create the stream' }).click()
  await newStream.getByRole('alert').getByText(/query/).waitFor()
  t.pass('KQL the API refuses is said, by its field')
  await newStream.getByLabel(/^Only events matching/).fill('')
  await page.getByRole('button', { name: 'Create the stream' }).click()
  await page.getByText('Stream “siem” created.').waitFor()
  const made = ((await inject('GET', '/v1/streams', KEYS.admin)).body as { streams: Array<{ id: string, destination: { url: string, hasToken: boolean } }> }).streams
  t.match(made, [{ destination: { url: `http://127.0.0.1:${port}/stream`, hasToken: true } }], 'made with its token, which is not shown')
  const streams = page.getByRole('table', { name: 'Log streams (1)' })
  const siem = streams.getByRole('row').filter({ hasText: 'siem' })
  const delivered = async (): Promise<number> => Number((await siem.getByRole('cell').nth(3).textContent() ?? '0').replace(/\D/g, ''))
  await until('the stream delivering', async () => {
    await page.getByRole('button', { name: 'Refresh' }).click()
    await streams.waitFor()
    return await siem.getByText('delivering', { exact: true }).count() > 0 && await delivered() > 0 ? true : undefined
  })
  await noSeriousViolation(t, page, 'notifications')
  await s.screenshot(page, 'admin-notifications')

  // From the keyboard: the list read again after the change keeps the focus on the stream's button.
  await page.getByRole('button', { name: 'Pause the stream siem' }).focus()
  await page.keyboard.press('Enter')
  await page.getByText('Stream “siem” paused: its events wait, and are delivered once it is resumed.').waitFor()
  await page.getByRole('button', { name: 'Resume the stream siem' }).waitFor()
  t.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Resume the stream siem', 'the focus stays on the button, now Resume')
  t.match((await inject('GET', '/v1/streams', KEYS.admin)).body, { streams: [{ name: 'siem', enabled: false, destination: { hasToken: true } }] }, 'paused, its token kept')
  await page.getByRole('button', { name: 'Resume the stream siem' }).click()
  await page.getByText('Stream “siem” resumed.').waitFor()
  // Delivered again from the start: the receiver gets every event a second time.
  await until('every event delivered', async () => ((await inject('GET', '/v1/streams', KEYS.admin)).body as { streams: Array<{ state: { lagSeconds: number } }> }).streams[0]?.state.lagSeconds === 0 ? true : undefined)
  const once = streamed
  await page.getByRole('button', { name: 'Move delivery of the stream siem' }).click()
  const move = page.getByRole('alertdialog', { name: 'Where should “siem” deliver from?' })
  await move.getByLabel('Deliver', { exact: true }).selectOption('beginning')
  await s.screenshot(page, 'admin-stream-move')
  await move.getByRole('button', { name: 'Move delivery' }).click()
  await page.getByText('Stream “siem” delivers every stored event again.').waitFor()
  await until('the events delivered again', async () => streamed >= 2 * once ? true : undefined)
  t.ok(once > 0 && streamed >= 2 * once, `delivered again (${once}, then ${streamed - once})`)

  // Changed in its panel: a narrower selection, the token left empty and so kept.
  await page.getByRole('button', { name: 'Change the stream siem' }).click()
  const panel = page.getByRole('dialog', { name: 'Change the stream “siem”' })
  t.equal(await panel.getByLabel('Address').inputValue(), `http://127.0.0.1:${port}/stream`, 'the form holds the stream as it is')
  await panel.getByLabel(/^Only events matching/).fill('event.action:login')
  await noSeriousViolation(t, page, 'a stream\'s change')
  await panel.getByRole('button', { name: 'Save the stream' }).click()
  await page.getByText('Stream “siem” saved.').waitFor()
  t.match((await inject('GET', '/v1/streams', KEYS.admin)).body, { streams: [{ name: 'siem', query: 'event.action:login', enabled: true, destination: { hasToken: true } }] }, 'the selection changed, the token kept')

  await page.getByRole('button', { name: 'Delete the stream siem' }).click()
  await page.getByRole('alertdialog', { name: 'Delete the stream “siem”?' }).getByRole('button', { name: 'Delete' }).click()
  await page.getByText('Stream “siem” deleted.').waitFor()
  await page.getByText('No log stream.').waitFor()

  await page.getByRole('button', { name: 'Delete SOC' }).click()
  await page.getByRole('alertdialog', { name: 'Delete the webhook “SOC”?' }).getByRole('button', { name: 'Delete' }).click()
  await page.getByText('Webhook “SOC” deleted.').waitFor()
  await page.getByText('No webhook: alerts are only listed in the console and the API.').waitFor()
  await page.context().close()
})
