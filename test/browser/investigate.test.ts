import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import type { Locator, Page } from 'playwright-core'
import { accessibilityViolations, signIn, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { seedEvents } from '../helpers/seed.ts'
import { auth, KEYS } from '../helpers/stack.ts'
import { unzip } from '../unit/export/read-files.ts'
import type { EvidencePackManifest } from '../../src/export/pack-manifest.ts'

const N = 300
const seeded = seedEvents('inv', N, Date.now() - 60_000)
// Exports above this many events become background jobs.
const SYNC_MAX = 40
// One user and one session with more events than the console used to read at once (300 and 500): clicks in
// tenant brand-a from five weeks ago, which the other tests' searches (deposits, the last 30 days) do not meet.
const LONG = 520
const longStart = Date.now() - 35 * 24 * 3600_000
const long = Array.from({ length: LONG }, (_, i) => ({
  '@timestamp': new Date(longStart - i * 47 * 60_000).toISOString(),
  event: { id: `long-${i}`, action: 'button_clicked', outcome: 'unknown' },
  message: `click ${i}`,
  user: { id: 'u-long' },
  audit: { session: { id: 's-long' } }
}))

// Another tenant's user with the same id as one of the default tenant's: 40 days ago, in the user's 90-day timeline but
// out of the 30-day searches of the other tests.
const twin = Array.from({ length: 3 }, (_, i) => ({
  '@timestamp': new Date(Date.now() - (40 * 24 + i) * 3600_000).toISOString(),
  event: { id: `twin-${i}`, action: 'login', outcome: 'success' },
  user: { id: 'u-8' },
  audit: { session: { id: 's-twin' } }
}))

let s: BrowserStack
t.before(async () => {
  // Checkpoints every second, so that evidence packs soon carry a proof for every event.
  s = await startBrowserStack(t, { SILLAGE_EXPORT_SYNC_MAX: String(SYNC_MAX), SILLAGE_CHECKPOINT_MS: '1000' })
  await s.ingest(seeded.map(e => e.body))
  await s.ingest([...long, ...twin], KEYS.aIngest)
  if (await s.waitForCount(N + LONG + twin.length) !== N + LONG + twin.length) throw new Error('seed not indexed')
})

t.test('following a user: summary, operators\' manual actions, timeline by day and session', async t => {
  const user = 'u-8'
  const mine = seeded.filter(e => e.user === user)
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/discover?from=now-30d&to=now&user=u-8')
  await page.getByRole('link', { name: user }).first().click()
  await page.getByRole('heading', { name: `User ${user}` }).waitFor()
  t.equal(new URL(page.url()).searchParams.get('tenant'), 'default', 'the link names the user\'s tenant: brand-a has a u-8 too')
  await page.getByText('Tenant: default').waitFor()
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await timeline.getByRole('listitem').first().waitFor()
  t.equal(await timeline.getByRole('listitem').count(), mine.length, 'every event of the user in the timeline, none of the other tenant\'s u-8')
  const summary = page.getByRole('region', { name: 'Summary (last 30 days)' })
  await summary.locator('dt', { hasText: /events$/ }).waitFor()
  t.equal(await summary.locator('dt', { hasText: /events$/ }).textContent(), `${mine.length} events`, 'the summary counts that user alone')
  const operatorActions = mine.filter(e => e.operator !== undefined)
  const manual = page.getByRole('region', { name: 'Manual actions by operators' })
  for (const op of new Set(operatorActions.map(e => e.operator))) await manual.getByText(`operator ${op as string}`).first().waitFor()
  t.equal(await manual.getByRole('listitem').count(), operatorActions.length, 'each manual action, naming its operator')
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation on the user view')
  await s.screenshot(page, 'user-timeline')

  const session = mine[0]?.session as string
  await timeline.getByRole('link', { name: `Session ${session}` }).first().click()
  await page.getByRole('heading', { name: `Session ${session}` }).waitFor()
  const inSession = seeded.filter(e => e.session === session)
  const failures = inSession.filter(e => e.outcome === 'failure').length
  await page.getByText('Duration').waitFor()
  t.equal(await page.locator('dt', { hasText: 'Failures' }).locator('xpath=following-sibling::dd').textContent(), String(failures))
  t.equal(await page.getByRole('list', { name: 'Events of the session' }).getByRole('listitem').count(), inSession.length)
  const userLinks = page.locator('dt', { hasText: 'Users' }).locator('xpath=following-sibling::dd').getByRole('link')
  t.ok(await userLinks.count() > 1, 'the users of the session')
  t.same(new Set(await userLinks.evaluateAll(links => links.map(a => a.getClientRects().length))), new Set([1]), 'no user id is cut across two lines')
  t.same(await userLinks.evaluateAll(links => links.filter(a => a.getBoundingClientRect().right > (a.parentElement as HTMLElement).getBoundingClientRect().right).map(a => a.textContent)), [], 'and each is inside its card')
  await s.screenshot(page, 'session-summary')
  await page.context().close()
})

/** Loads more until every event is listed; while some are missing, the list says how many of the total it shows. */
async function loadAll (t: Test, list: Locator, where: Locator): Promise<void> {
  const shown = (n: number): string => `Showing ${n} of ${LONG} events`
  const more = where.getByRole('button', { name: 'Load more' })
  for (let rows = 100; rows < LONG; rows += 100) {
    await where.getByText(shown(rows), { exact: true }).waitFor()
    t.equal(await list.count(), rows, shown(rows))
    await more.click()
  }
  // While a page loads, the button says so: it is gone only once the last page is in.
  await where.getByRole('button', { name: /^(Load more|Loading more…)$/ }).waitFor({ state: 'detached' })
  t.equal(await where.getByText(/^Showing \d+ of/).count(), 0, 'once all are listed, no count of those shown')
  const times = await list.locator('time').evaluateAll(ts => ts.map(e => e.getAttribute('datetime')))
  t.equal(new Set(times).size, LONG, 'every event, each once')
}

t.test('a timeline and a session longer than a page load more on request, and say how many of the total are shown', async t => {
  const page = await s.page()
  await signIn(page, KEYS.aRead, '/console/users/u-long')
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await timeline.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded()
  await s.screenshot(page, 'user-timeline-more')
  await loadAll(t, timeline.getByRole('listitem'), timeline)
  await page.goto('/console/sessions/s-long')
  await loadAll(t, page.getByRole('list', { name: 'Events of the session' }).getByRole('listitem'), page.getByRole('main'))
  await page.context().close()
})

t.test('a small CSV export downloads at once with its digest; a large one runs in the background with progress', async t => {
  const page = await s.page()
  // The table's columns, one of them a multi-field (user.name.text indexes user.name, the stored field).
  const cols = ['@timestamp', 'event.action', 'user.name.text', 'audit.money.amount']
  await signIn(page, KEYS.admin, `/console/discover?from=now-30d&to=now&q=event.action%3Adeposit&cols=${encodeURIComponent(cols.join(','))}`)
  const deposits = seeded.filter(e => e.action === 'deposit').length
  t.ok(deposits <= SYNC_MAX, 'the small export streams')
  await page.getByText(`${deposits} events`).first().waitFor()
  await page.getByLabel('Format').selectOption('csv')
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()])
  const csv = await readFile(await file.path())
  const records = csv.toString('utf8').replace(/^\uFEFF/, '').trim().split('\n')
  t.equal(records.length, deposits + 1, 'a header and one row per event')
  // A header starting with @ is quoted against spreadsheet formulas, like any cell.
  t.equal(records[0]?.trim(), "'@timestamp,event.action,user.name,audit.money.amount", 'the columns chosen in the table')
  await page.getByText(`SHA-256: ${createHash('sha256').update(csv).digest('hex')}`).waitFor()

  await page.goto('/console/discover?from=now-30d&to=now')
  await page.getByText(`${N} events`).first().waitFor()
  await page.getByLabel('Format').selectOption('ndjson')
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  await page.getByRole('progressbar', { name: 'Export progress' }).waitFor()
  const ready = page.getByRole('button', { name: 'Download the export' })
  await ready.waitFor({ timeout: 60_000 })
  t.equal(await page.getByRole('progressbar', { name: 'Export progress' }).getAttribute('value'), String(N))
  const [big] = await Promise.all([page.waitForEvent('download'), ready.click()])
  const lines = (await readFile(await big.path(), 'utf8')).trim().split('\n')
  t.equal(lines.length, N, 'every event in the background export')
  await s.screenshot(page, 'export-background')
  await page.context().close()
})

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const deposits = seeded.filter(e => e.action === 'deposit').length

/** The manifest panel shows exactly the pack's manifest.json: its facts, every file's digest, its checkpoints. */
async function checkManifestShown (t: Test, page: Page, pack: Buffer): Promise<EvidencePackManifest> {
  const text = (await unzip(pack)).get('manifest.json')?.toString('utf8') ?? ''
  const manifest = JSON.parse(text) as EvidencePackManifest
  const panel = page.getByRole('region', { name: 'Manifest of the evidence pack' })
  await panel.waitFor()
  t.equal(await panel.locator('pre').textContent(), text, 'the whole manifest.json, as the pack holds it')
  const rows = await panel.getByRole('table', { name: 'Files of the pack' }).locator('tbody tr')
    .evaluateAll(trs => trs.map(tr => [...tr.children].map(c => c.textContent)))
  const bytes = new Intl.NumberFormat('en-GB')
  t.same(rows, manifest.files.map(f => [f.path, bytes.format(f.bytes), f.sha256]), 'every file of the pack with its size and SHA-256')
  t.same(manifest.files.map(f => f.path).sort(), ['events.ndjson', 'integrity/proofs.ndjson', 'integrity/public-key.json', 'report.pdf', 'summary.json'])
  const fact = async (label: string): Promise<string | null> => await panel.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd').textContent()
  t.equal(await fact('SHA-256 of events.ndjson'), manifest.events_sha256)
  t.equal(await fact('Inclusion proofs'), `${manifest.integrity.proofs} of ${manifest.events} events`)
  t.equal(await fact('By key'), `${manifest.created_by.key_id} (platform key)`)
  const checkpoints = manifest.integrity.checkpoints ?? []
  t.ok(checkpoints.length > 0, 'the proofs lead to a signed checkpoint')
  const shown = panel.getByRole('list', { name: 'Signed checkpoints the proofs lead to' }).getByRole('listitem')
  t.equal(await shown.count(), checkpoints.length)
  for (const c of checkpoints) await shown.filter({ hasText: c.root }).filter({ hasText: `${c.size} events` }).waitFor()
  return manifest
}

/** The export bar and the manifest at the top of the screen, for the screenshot. */
const showManifest = async (page: Page): Promise<void> => { await page.evaluate("document.querySelector('.results-bar').scrollIntoView()") }

t.test('an evidence pack shows its manifest: read from the streamed pack, or from the API before a background one is downloaded', async t => {
  // Wait until every deposit has its inclusion proof (events are sealed and checkpointed a moment after they are stored).
  for (let i = 0; i < 60; i++) {
    const res = await s.api.app.inject({ method: 'POST', url: '/v1/evidence-packs', headers: auth(KEYS.admin), payload: { query: 'event.action:deposit' } })
    const m = JSON.parse((await unzip(res.rawPayload)).get('manifest.json')?.toString() ?? '{}') as EvidencePackManifest
    if (m.integrity?.events_without_proof === 0) break
    await sleep(500)
  }
  const page = await s.page()
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await signIn(page, KEYS.admin, '/console/discover?from=now-30d&to=now&q=event.action%3Adeposit')
  await page.getByText(`${deposits} events`).first().waitFor()
  await page.getByLabel('Format').selectOption('pack')
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()])
  const pack = await readFile(await file.path())
  await page.getByText(`SHA-256: ${sha256(pack)}`).waitFor()
  const manifest = await checkManifestShown(t, page, pack)
  t.equal(manifest.events, deposits)
  t.equal(manifest.integrity.events_without_proof, 0)
  await page.getByRole('button', { name: 'Copy the digests (sha256sum)' }).click()
  await page.getByText('Copied to the clipboard').waitFor()
  t.equal(await page.evaluate('navigator.clipboard.readText()'), manifest.files.map(f => `${f.sha256}  ${f.path}\n`).join(''), 'the digests copy as sha256sum lines')
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation with the manifest shown')
  await showManifest(page)
  await s.screenshot(page, 'export-pack-manifest')

  // A pack of every event is above the streaming limit: a background job, whose manifest comes from the API.
  await page.goto('/console/discover?from=now-30d&to=now')
  await page.getByText(`${N} events`).first().waitFor()
  await page.getByLabel('Format').selectOption('pack')
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const ready = page.getByRole('button', { name: 'Download the export' })
  await ready.waitFor({ timeout: 60_000 })
  await page.getByRole('region', { name: 'Manifest of the evidence pack' }).waitFor()
  const [big] = await Promise.all([page.waitForEvent('download'), ready.click()])
  const bigPack = await readFile(await big.path())
  t.equal((await checkManifestShown(t, page, bigPack)).events, N, 'the manifest shown before the download is the downloaded pack\'s')
  await page.getByRole('button', { name: 'Copy manifest.json' }).click()
  t.equal(await page.evaluate('navigator.clipboard.readText()'), (await unzip(bigPack)).get('manifest.json')?.toString('utf8'), 'manifest.json copies as it is')
  await showManifest(page)
  await s.screenshot(page, 'export-pack-manifest-background')

  await page.evaluate("localStorage.setItem('sillage.locale', 'fr')")
  await page.reload()
  await page.getByLabel('Format').selectOption('pack')
  await page.getByRole('button', { name: 'Exporter', exact: true }).click()
  await page.getByRole('region', { name: 'Manifeste du dossier de preuve' }).getByRole('table', { name: 'Fichiers du dossier' }).waitFor({ timeout: 60_000 })
  await showManifest(page)
  await s.screenshot(page, 'export-pack-manifest-fr')
  await page.context().close()
})
