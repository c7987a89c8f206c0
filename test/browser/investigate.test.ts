import { readFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import t from 'tap'
import { accessibilityViolations, signIn, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { seedEvents } from '../helpers/seed.ts'
import { KEYS } from '../helpers/stack.ts'

const N = 300
const seeded = seedEvents('inv', N, Date.now() - 60_000)
// Exports above this many events become background jobs.
const SYNC_MAX = 40

let s: BrowserStack
t.before(async () => {
  s = await startBrowserStack(t, { SILLAGE_EXPORT_SYNC_MAX: String(SYNC_MAX) })
  await s.ingest(seeded.map(e => e.body))
  if (await s.waitForCount(N) !== N) throw new Error('seed not indexed')
})

t.test('following a user: summary, operators\' manual actions, timeline by day and session', async t => {
  const user = 'u-8'
  const mine = seeded.filter(e => e.user === user)
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/discover?from=now-30d&to=now&user=u-8')
  await page.getByRole('link', { name: user }).first().click()
  await page.getByRole('heading', { name: `User ${user}` }).waitFor()
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await timeline.getByRole('listitem').first().waitFor()
  t.equal(await timeline.getByRole('listitem').count(), mine.length, 'every event of the user in the timeline')
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
  await s.screenshot(page, 'session-summary')
  await page.context().close()
})

t.test('a small CSV export downloads at once with its digest; a large one runs in the background with progress', async t => {
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/discover?from=now-30d&to=now&q=event.action%3Adeposit')
  const deposits = seeded.filter(e => e.action === 'deposit').length
  t.ok(deposits <= SYNC_MAX, 'the small export streams')
  await page.getByText(`${deposits} events`).first().waitFor()
  await page.getByLabel('Format').selectOption('csv')
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export', exact: true }).click()])
  const csv = await readFile(await file.path())
  t.equal(csv.toString('utf8').trim().split('\n').length, deposits + 1, 'a header and one row per event')
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
