import t from 'tap'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { accessibilityViolations, signIn, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { seedEvents } from '../helpers/seed.ts'
import { KEYS } from '../helpers/stack.ts'
import { call, runRule, until, type Json } from '../helpers/watch.ts'

const M = 60_000
const H = 60 * M
const base = Date.now() - M
const seeded = seedEvents('an', 600, base)

// Planted signals: a burst of six failed sign-ins in eight minutes, and London then Melbourne an hour apart.
interface Planted { id: string, user: string, time: number, action: string, outcome: string, ip: string }
const planted: Planted[] = [
  ...[0, 1, 2, 4, 6, 8].map((m, k) => ({ id: `burst-${k}`, user: 'burst-1', time: base - 2 * H + m * M, action: 'login_failed', outcome: 'failure', ip: '88.198.1.1' })),
  { id: 'travel-0', user: 'tr-1', time: base - 5 * H, action: 'login', outcome: 'success', ip: '81.2.69.142' },
  { id: 'travel-1', user: 'tr-1', time: base - 4 * H, action: 'login', outcome: 'success', ip: '203.2.218.214' }
]
// Funnel users: login → deposit 1 h → withdrawal 1 h later; login → deposit 3 h later; login alone; a deposit two days late.
const funnelStart = base - 72 * H
const funnelUsers: Array<[string, string, number]> = [
  ['fn-1', 'login', 0], ['fn-1', 'deposit', H], ['fn-1', 'withdrawal', 2 * H],
  ['fn-2', 'login', 0], ['fn-2', 'deposit', 3 * H],
  ['fn-3', 'login', 0],
  ['fn-4', 'login', 0], ['fn-4', 'deposit', 48 * H]
]
planted.push(...funnelUsers.map(([user, action, at], k) => ({ id: `funnel-${k}`, user, time: funnelStart + at, action, outcome: 'success', ip: '10.1.2.3' })))
const CATEGORY: Record<string, string> = { login: 'authentication', login_failed: 'authentication', deposit: 'money', withdrawal: 'money' }
const plantedBody = (p: Planted): object => ({
  '@timestamp': new Date(p.time).toISOString(), event: { id: p.id, action: p.action, outcome: p.outcome }, user: { id: p.user }, source: { ip: p.ip }
})
const all = [
  ...seeded.map(s => ({ id: s.id, user: s.user, time: s.time, action: s.action, category: s.category, outcome: s.outcome })),
  ...planted.map(p => ({ ...p, category: CATEGORY[p.action] as string }))
]

const en = (n: number): string => n.toLocaleString('en-GB')
const pct = (r: number): string => new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 }).format(r)
const count = <T>(list: T[], key: (x: T) => string): Map<string, number> => {
  const m = new Map<string, number>()
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1)
  return m
}

/** The funnel rule of docs/api.md, computed here on its own: users reaching each step in order within the window. */
function funnel (steps: string[], windowMs: number): number[] {
  const reached = steps.map(() => 0)
  const byUser = new Map<string, typeof all>()
  for (const e of all) byUser.set(e.user, [...(byUser.get(e.user) ?? []), e])
  for (const events of byUser.values()) {
    events.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : 1))
    const start = events.findIndex(e => e.action === steps[0])
    if (start < 0) continue
    const t0 = (events[start] as typeof all[number]).time
    reached[0] = (reached[0] ?? 0) + 1
    let at = start
    for (let k = 1; k < steps.length; k++) {
      const next = events.findIndex((e, i) => i > at && e.action === steps[k] && e.time <= t0 + windowMs)
      if (next < 0) break
      reached[k] = (reached[k] ?? 0) + 1
      at = next
    }
  }
  return reached
}

let s: BrowserStack
t.before(async () => {
  s = await startBrowserStack(t)
  await s.ingest([...seeded.map(e => e.body), ...planted.map(plantedBody)])
  if (await s.waitForCount(all.length) !== all.length) throw new Error('seed not indexed')
})

const noViolations = async (t: Test, page: Page, what: string): Promise<void> => {
  t.same(await accessibilityViolations(page), [], `no serious accessibility violation on ${what}`)
}

t.test('Groups: a chart by category with the seeded counts, then two levels as nested rows', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/groups?by=category&from=now-30d&to=now')
  const chart = page.getByRole('list', { name: 'Events by category' })
  await chart.waitFor()
  const expected = [...count(all, e => e.category)].map(([k, v]) => `${k}${en(v)}`).sort()
  t.same((await chart.getByRole('listitem').allTextContents()).sort(), expected, 'one bar per category with its count')
  await page.getByText(`${en(all.length)} events`).first().waitFor()
  await noViolations(t, page, 'Groups')
  await s.screenshot(page, 'groups-chart')

  await page.getByLabel('Then by').selectOption('outcome')
  await page.waitForURL(/then=outcome/)
  const table = page.getByRole('table', { name: 'Events by category, then by outcome' })
  await table.waitFor()
  const failures = all.filter(e => e.category === 'authentication' && e.outcome === 'failure').length
  const row = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'failure', exact: true }) })
  t.equal(await row.count(), 1, 'failures occur in one category only')
  t.same((await row.getByRole('cell').allTextContents()).slice(0, 2), ['authentication', en(failures)], 'a nested row under its group')
  await noViolations(t, page, 'Groups with two levels')
  await s.screenshot(page, 'groups-two-levels')

  await page.getByLabel('Then by').selectOption('')
  await page.getByLabel('Group by').selectOption('date')
  await page.getByLabel('Interval').selectOption('day')
  await page.waitForURL(/by=date&interval=day/)
  const days = page.getByRole('group', { name: 'Events by date' })
  await days.waitFor()
  const bars = await days.locator('title').allTextContents()
  t.ok(bars.length >= 20 && bars.length <= 32, `${bars.length} days`)
  t.equal(bars.reduce((sum, b) => sum + Number((b.split(': ').at(-1) ?? '').replace(/\D/g, '')), 0), all.length, 'the days add up to every event')
  await noViolations(t, page, 'Groups by date')
  await s.screenshot(page, 'groups-by-date')
  await page.context().close()
})

t.test('Groups: the period summary compares the period with the one before', async t => {
  // Absolute bounds halfway between seeded events (47 minutes apart), so the windows are certain.
  const from = base - 105 * 47 * M - 20 * M
  const to = base + 10 * M
  const prevTo = from - 1
  const prevFrom = prevTo - (to - from)
  const money = (a: number, b: number): number => all.filter(e => e.category === 'money' && e.time >= a && e.time <= b).length
  const current = money(from, to)
  const previous = money(prevFrom, prevTo)
  t.ok(current > 0 && previous > 0 && current !== previous, `${current} money events against ${previous}`)
  const change = current - previous
  const changePct = Math.round(change / previous * 1000) / 10
  const page = await s.page()
  await signIn(page, KEYS.read, `/console/groups?by=category&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)
  const summary = page.getByRole('table', { name: 'By category', exact: true })
  const row = summary.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'money', exact: true }) })
  await row.waitFor()
  const signed = new Intl.NumberFormat('en-GB', { signDisplay: 'exceptZero', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(changePct)
  t.same(await row.getByRole('cell').allTextContents(), [en(current), en(previous), new Intl.NumberFormat('en-GB', { signDisplay: 'exceptZero' }).format(change), `${signed}%`])
  const total = all.filter(e => e.time >= from && e.time <= to).length
  const totals = summary.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'All events' }) })
  t.equal(await totals.getByRole('cell').first().textContent(), en(total), 'the period\'s total')
  await page.getByLabel('Break down by').selectOption('byImportance')
  await page.getByRole('table', { name: 'By importance', exact: true }).waitFor()
  await s.screenshot(page, 'groups-period-summary')
  await page.context().close()
})

t.test('Behaviour: a funnel built step by step, with conversions from the seeded data', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/behaviour?tab=funnel&from=now-30d&to=now')
  await page.getByLabel('Step 1', { exact: true }).selectOption('deposit')
  await page.getByLabel('Step 2', { exact: true }).selectOption('login')
  await page.getByRole('button', { name: 'Add a step' }).click()
  await page.getByLabel('Step 3', { exact: true }).selectOption('withdrawal')
  await page.getByRole('button', { name: 'Add a step' }).click()
  await page.getByRole('button', { name: 'Remove step 4' }).click()
  await page.getByRole('button', { name: 'Up: move step 2 before the previous one' }).click()
  await page.getByLabel('Conversion window').selectOption('1d')
  await page.waitForURL(/steps=login%2Cdeposit%2Cwithdrawal&window=1d/)
  t.equal(await page.getByLabel('Step 1', { exact: true }).inputValue(), 'login', 'reordered')

  const expected = funnel(['login', 'deposit', 'withdrawal'], 24 * H)
  t.ok((expected[0] ?? 0) > (expected[2] ?? 0) && (expected[2] ?? 0) > 0, `funnel ${expected.join(' → ')}`)
  const table = page.getByRole('table', { name: 'Conversion per step' })
  await table.waitFor()
  const rows = table.getByRole('row')
  const first = expected[0] as number
  for (const [k, action] of ['login', 'deposit', 'withdrawal'].entries()) {
    const users = expected[k] as number
    const previous = expected[k - 1]
    const cells = await rows.filter({ has: page.getByRole('rowheader', { name: `${k + 1}. ${action}` }) }).getByRole('cell').allTextContents()
    t.same(cells.slice(0, 3), [en(users), previous === undefined ? '—' : pct(users / previous), pct(users / first)], `step ${k + 1}: ${action}`)
  }
  const lines = await table.getByRole('rowheader').evaluateAll(cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c); return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size }))
  t.same(lines, [1, 1, 1], 'each step\'s number stays with its action, on one line')
  // Medians: fn-1 took 1 h and fn-2 3 h to deposit; fn-1 withdrew 1 h after its deposit.
  t.same(await table.getByRole('row').evaluateAll(rows => rows.slice(1).map(r => r.lastElementChild?.textContent)), ['—', '2 h', '1 h'], 'median time from the previous step')
  const bars = page.getByRole('list', { name: 'Users reaching each step' }).getByRole('listitem')
  t.equal(await bars.count(), 3)
  t.match(await page.getByRole('list', { name: 'Median time between steps' }).getByRole('listitem').first().textContent(), /^Step 1 → 22 h$/)
  await noViolations(t, page, 'the funnel')
  await s.screenshot(page, 'behaviour-funnel')

  await page.getByRole('link', { name: 'Next actions' }).click()
  await page.getByLabel('After').selectOption('deposit')
  await page.getByLabel('Same session only').uncheck()
  await page.getByRole('heading', { name: 'After deposit' }).waitFor()
  await page.getByRole('list', { name: 'Next actions after deposit' }).waitFor()
  await noViolations(t, page, 'next actions')
  await s.screenshot(page, 'behaviour-next-actions')

  await page.getByRole('link', { name: 'Retention cohorts' }).click()
  const grid = page.getByRole('table', { name: 'Retention per cohort and week' })
  await grid.waitFor()
  const users = await grid.getByRole('row').filter({ has: page.getByRole('rowheader') }).evaluateAll(rows => rows.map(r => Number((r.querySelector('td')?.textContent ?? '').replace(/\D/g, ''))))
  t.equal(users.reduce((a, b) => a + b, 0), new Set(all.map(e => e.user)).size, 'every user in exactly one cohort')
  await noViolations(t, page, 'cohorts')
  await s.screenshot(page, 'behaviour-cohorts')
  await page.context().close()
})

t.test('Behaviour: actions that cannot be read are explained, not offered as empty lists', async t => {
  const page = await s.page()
  await page.route(/\/v1\/events\/aggregate$/, async route => {
    const body = route.request().postDataJSON() as { groupBy?: Array<{ field: string }> }
    if (body.groupBy?.[0]?.field !== 'action') return await route.continue()
    await route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ message: 'Rate limit exceeded' }) })
  })
  await signIn(page, KEYS.read, '/console/behaviour?tab=funnel&from=now-30d&to=now')
  await page.getByRole('alert').filter({ hasText: 'The actions of the period could not be read, so none can be chosen: Rate limit exceeded' }).waitFor()
  t.pass('the reason is given where the steps are chosen')
  await page.context().close()
})

t.test('Signals: a planted burst is found, ranked, and its evidence opens in Discover', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/signals?kind=failed-logins&from=now-1d&to=now')
  const card = page.getByRole('article', { name: /^#1 User burst-1/ })
  await card.waitFor()
  await page.getByText('Found: 1; shown: 1').waitFor()
  t.ok(await card.getByText('6 failed sign-ins within 8 min').isVisible(), 'the figure')
  t.ok(await card.getByText('at least 5 within 10 min').isVisible(), 'the threshold')
  const evidence = card.getByRole('table', { name: 'Evidence (6 events)' })
  t.equal(await evidence.getByRole('row').count(), 7, 'six evidence events and the header')
  t.equal(await card.getByRole('link', { name: 'burst-1' }).first().getAttribute('href'), '/console/users/burst-1')
  await noViolations(t, page, 'Signals')
  await s.screenshot(page, 'signals-failed-logins')

  await card.getByRole('link', { name: /^Open evidence in Discover/ }).click()
  await page.waitForURL(/\/console\/discover\?/)
  const q = new URL(page.url()).searchParams.get('q') ?? ''
  t.equal(q, `audit.tenant:"default" and event.id:(${planted.slice(0, 6).map(p => `"${p.id}"`).join(' or ')})`, 'the evidence by tenant and id (ids are unique within a tenant only)')
  await page.getByText(/^6 events$/).first().waitFor()
  t.equal(await page.getByRole('combobox', { name: 'Search (KQL)' }).inputValue(), q)
  await s.screenshot(page, 'signals-evidence-in-discover')
  await page.goBack()

  await page.getByRole('link', { name: 'Impossible travel' }).click()
  const travel = page.getByRole('article', { name: /^#1 User tr-1/ })
  await travel.waitFor()
  t.ok(await travel.getByText('above 1,000 km/h, over at least 100 km').isVisible())
  t.equal(await travel.getByRole('table', { name: 'Evidence (2 events)' }).getByRole('row').count(), 3)
  await page.getByLabel('Speed above (km/h)').fill('50000')
  await page.getByRole('button', { name: 'Find signals' }).click()
  await page.waitForURL(/maxSpeedKmh=50000/)
  await page.getByText('No signal in this period.').waitFor()
  // Seeded users change their email 13 events (611 minutes) before a withdrawal: twice in the last day.
  await page.getByRole('link', { name: 'Change then withdraw' }).click()
  await page.getByText('Found: 2; shown: 2').waitFor()
  t.equal(await page.getByText('email_changed, then a withdrawal 10 h 11 min later').count(), 2)
  await page.getByRole('link', { name: 'Shared devices and addresses' }).click()
  await page.getByRole('heading', { name: 'Signals, strongest first' }).waitFor()
  await noViolations(t, page, 'shared devices')
  await page.getByRole('link', { name: 'Impossible travel' }).click()
  await travel.waitFor()
  await s.screenshot(page, 'signals-travel')
  await page.context().close()
})

t.test('Alerts: a watch rule\'s alert is opened, its evidence shown in Discover, acknowledged then closed with notes', async t => {
  const created = await call(s, 'POST', '/v1/watch-rules', KEYS.admin, { name: 'Failed sign-in bursts', interval: '1d', severity: 'high', condition: { kind: 'threshold', filters: { action: ['login_failed'] }, window: '10m', groupBy: 'user.id', bound: { op: 'gte', value: 5 } } })
  t.equal(created.status, 201)
  const ruleId = created.body.id as string
  // The rule's first run, or this one: either raises the alert once.
  await runRule(s, ruleId, null)
  const raised = await until('the alert', async () => ((await call(s, 'GET', `/v1/alerts?ruleId=${ruleId}`, KEYS.read)).body.alerts as Json[])[0])
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/alerts')
  const table = page.getByRole('table', { name: /alerts$/ })
  const row = table.getByRole('row').filter({ hasText: 'Failed sign-in bursts' })
  await row.waitFor()
  t.ok(await row.getByRole('cell', { name: 'user.id burst-1' }).isVisible(), 'the group: the user who burst')
  t.ok(await row.getByText('open', { exact: true }).isVisible())
  await noViolations(t, page, 'Alerts')
  await s.screenshot(page, 'alerts-list')

  await row.getByRole('button', { name: raised.title as string }).click()
  const panel = page.getByRole('dialog', { name: raised.title as string })
  await panel.getByRole('heading', { name: 'Evidence: 6 events' }).waitFor()
  t.equal(new URL(page.url()).searchParams.get('id'), raised.id, 'the opened alert is in the address')
  const acknowledge = panel.getByRole('button', { name: 'Acknowledge' })
  t.ok(await acknowledge.isDisabled(), 'no change without a note')
  await panel.getByLabel('Note (why; kept in the history)').fill('Looking into burst-1')
  await acknowledge.click()
  await panel.getByText('The alert is now acknowledged.').waitFor()
  await panel.getByText('Looking into burst-1').waitFor()
  t.ok(await panel.getByText('open → acknowledged').isVisible(), 'in the history')
  await noViolations(t, page, 'an alert')
  await s.screenshot(page, 'alerts-detail')
  await panel.getByLabel('Note (why; kept in the history)').fill('A script against one account; password reset')
  await panel.getByRole('button', { name: 'Close the alert' }).click()
  await panel.getByText('A closed alert stays closed: a new finding raises a new alert.').waitFor()
  const stored = (await call(s, 'GET', `/v1/alerts/${raised.id as string}`, KEYS.read)).body
  t.match(stored, { status: 'closed', history: [{ to: 'acknowledged', note: 'Looking into burst-1' }, { to: 'closed', note: 'A script against one account; password reset' }] })

  await panel.getByRole('link', { name: 'Open the evidence in Discover' }).click()
  await page.waitForURL(/\/console\/discover\?/)
  await page.getByText(/^6 events$/).first().waitFor()
  await page.goBack()
  await page.getByRole('button', { name: 'Close', exact: true }).click()
  await page.getByText('No alert to show.').waitFor()
  await page.getByLabel('Show').selectOption('closed')
  await row.waitFor()
  t.ok(await row.getByText('closed', { exact: true }).isVisible(), 'closed alerts are one choice away')

  await page.getByRole('link', { name: 'Watch rules' }).click()
  const rules = page.getByRole('table', { name: /^Watch rules \(1\)/ })
  const ruleRow = rules.getByRole('row').filter({ hasText: 'Failed sign-in bursts' })
  await ruleRow.getByText('Running').waitFor()
  await noViolations(t, page, 'watch rules')
  await s.screenshot(page, 'alerts-rules')
  await ruleRow.getByRole('button', { name: /^Runs of Failed sign-in bursts: Succeeded/ }).click()
  const log = page.getByRole('dialog', { name: 'Runs of Failed sign-in bursts' })
  await log.getByRole('table', { name: /^The latest \d+ runs/ }).getByRole('cell', { name: /^1 new,/ }).waitFor()
  t.equal(await log.getByRole('button', { name: 'Run now' }).count(), 0, 'a reader does not queue runs')
  await noViolations(t, page, 'a rule\'s run log')
  await s.screenshot(page, 'alerts-rule-runs')
  await log.getByRole('button', { name: 'Close', exact: true }).click()
  await ruleRow.getByRole('link', { name: 'Alerts of Failed sign-in bursts' }).click()
  await page.getByText('Only the alerts of “Failed sign-in bursts”.').waitFor()
  t.same(Object.fromEntries(new URL(page.url()).searchParams), { shows: 'all', rule: ruleId })
  await row.waitFor()
  await page.context().close()
})

t.test('Alerts: more than a page of them, read 50 at a time with Load more', async t => {
  const bets = seeded.filter(e => e.action === 'bet_placed').length
  t.ok(bets > 50 && bets <= 100, `${bets} bets: more than one page, less than two`)
  // One alert per bet: grouped by event id, each group is one event.
  const created = await call(s, 'POST', '/v1/watch-rules', KEYS.admin, { name: 'Every bet', interval: '1d', severity: 'low', lookBack: '1h', condition: { kind: 'threshold', filters: { action: ['bet_placed'] }, window: '1m', groupBy: 'event.id', bound: { op: 'gte', value: 1 } } })
  t.equal(created.status, 201)
  const ruleId = created.body.id as string
  await runRule(s, ruleId, null)
  await until('the alerts', async () => (await call(s, 'GET', `/v1/alerts?ruleId=${ruleId}&size=1`, KEYS.read)).body.total === bets ? true : undefined)
  const page = await s.page()
  await signIn(page, KEYS.read, `/console/alerts?rule=${ruleId}`)
  const table = page.getByRole('table', { name: `50 of ${bets} alerts` })
  await table.waitFor()
  t.equal(await table.getByRole('row').count(), 51, 'the first page and the header')
  const more = page.getByRole('button', { name: 'Load more' })
  // The next page fails once: the error says so, and Try again asks for the same page.
  let failed = 0
  await page.route(/\/v1\/alerts\?.*after=/, async route => { if (failed++ === 0) await route.fulfill({ status: 503, json: { message: 'the store is unavailable' } }); else await route.continue() })
  await more.click()
  await page.getByRole('alert').getByText('the store is unavailable').waitFor()
  t.equal(await table.getByRole('row').count(), 51, 'the rows read stay')
  await page.getByRole('button', { name: 'Try again' }).click()
  const all = page.getByRole('table', { name: `${bets} of ${bets} alerts` })
  await all.waitFor()
  t.equal(await all.getByRole('row').count(), bets + 1, 'every alert once')
  const titles = await all.getByRole('rowheader').allTextContents()
  t.equal(new Set(titles).size, bets, 'no alert twice')
  t.equal(await more.count(), 0, 'nothing more to load')
  await page.getByLabel('Severity').selectOption('high')
  await page.getByText('No alert to show.').waitFor()
  await page.getByLabel('Severity').selectOption('any')
  await page.getByRole('table', { name: `50 of ${bets} alerts` }).waitFor()
  t.pass('other filters start again from the first page')
  await page.context().close()
})

t.test('Watch rules: made from a Discover search in the console, raising its alert; changed, refused when stale, deleted', async t => {
  const page = await s.page()
  await signIn(page, KEYS.admin, '/console/discover?q=event.action%3Alogin_failed&outcome=failure&from=now-7d&to=now')
  await page.getByRole('link', { name: 'Watch this search' }).click()
  const editor = page.getByRole('dialog', { name: 'New watch rule' })
  await editor.waitFor()
  t.equal(await editor.getByLabel('Events (KQL)').inputValue(), 'event.action:login_failed', 'the search\'s query')
  t.ok(await editor.getByText('{"outcome":["failure"]}').isVisible(), 'and its filter chips, shown as kept')
  await editor.getByLabel('Name').fill('Bursts from the console')
  await editor.getByLabel('Severity').selectOption('high')
  await editor.getByLabel('Runs every').fill('1d')
  await editor.getByLabel('Re-reads the last').fill('1h')
  await editor.getByLabel('Alert when').selectOption('gte')
  await editor.getByLabel('Bound').fill('5')
  await editor.getByLabel('Window').fill('10 minutes')
  await editor.getByRole('button', { name: 'Create the rule' }).click()
  await editor.getByRole('alert').getByText('/condition/window').waitFor()
  t.pass('a duration the API refuses is named by its field')
  await editor.getByLabel('Window').fill('10m')
  await noViolations(t, page, 'the watch rule editor')
  await s.screenshot(page, 'watch-rule-editor')
  await editor.getByRole('button', { name: 'Create the rule' }).click()
  await page.getByText('Watch rule “Bursts from the console” created: it runs on its interval.').waitFor()
  t.same(Object.fromEntries(new URL(page.url()).searchParams), {}, 'the search it started from leaves the address, so a reload does not open the form again')
  const row = page.getByRole('table', { name: /^Watch rules/ }).getByRole('row').filter({ hasText: 'Bursts from the console' })
  await row.getByText('Running').waitFor()
  const listed = ((await call(s, 'GET', '/v1/watch-rules', KEYS.read)).body.rules as Json[]).find(r => r.name === 'Bursts from the console') as Json
  t.match(listed, {
    severity: 'high', interval: '1d', lookBack: '1h', enabled: true,
    condition: { kind: 'threshold', query: 'event.action:login_failed', filters: { outcome: ['failure'] }, window: '10m', groupBy: 'user.id', metric: 'count', bound: { op: 'gte', value: 5 } }
  }, 'stored as the form said')
  await runRule(s, listed.id as string, null)
  const raised = await until('the alert', async () => ((await call(s, 'GET', `/v1/alerts?ruleId=${listed.id as string}`, KEYS.read)).body.alerts as Json[])[0])
  t.match(raised, { severity: 'high', group: 'burst-1', evidence: { length: 6 } }, 'the rule made in the console raises the burst')

  // Its run log, where an administrator queues a run and sees it listed once the worker has done it.
  await row.getByRole('button', { name: /^Runs of Bursts from the console/ }).click()
  const log = page.getByRole('dialog', { name: 'Runs of Bursts from the console' })
  const runsOf = async (): Promise<Json[]> => (await call(s, 'GET', `/v1/watch-rules/${listed.id as string}/runs`, KEYS.read)).body.runs as Json[]
  const before = (await runsOf()).length
  await log.getByRole('table', { name: `The latest ${before} runs, newest first` }).getByRole('cell', { name: /^1 new,/ }).waitFor()
  await log.getByRole('button', { name: 'Run now' }).click()
  await log.getByText('Run queued; it is listed here once done.').waitFor()
  // The run the button queued (its job is named `now-…`), done by the worker: listed once the log is read again.
  await until('the queued run done', async () => (await runsOf()).some(r => String(r.job_id).startsWith('now-') && r.status === 'succeeded') ? true : undefined)
  await log.getByRole('button', { name: 'Refresh' }).click()
  await log.getByRole('table', { name: `The latest ${before + 1} runs, newest first` }).waitFor()
  await log.getByRole('button', { name: 'Close', exact: true }).click()

  await row.getByRole('button', { name: 'Change Bursts from the console' }).click()
  const change = page.getByRole('dialog', { name: 'Watch rule “Bursts from the console”' })
  await change.getByLabel('Running').uncheck()
  await change.getByLabel('Severity').selectOption('critical')
  await change.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByText('Watch rule “Bursts from the console” saved.').waitFor()
  await row.getByText('Disabled').waitFor()
  const changed = (await call(s, 'GET', `/v1/watch-rules/${listed.id as string}`, KEYS.read)).body
  t.match(changed, { enabled: false, severity: 'critical', condition: { filters: { outcome: ['failure'] }, bound: { value: 5 } } }, 'changed, the rest kept')

  // Someone else changes it while the form is open: the save is refused and says so.
  await row.getByRole('button', { name: 'Change Bursts from the console' }).click()
  await change.getByLabel('Description').fill('Mine')
  const { id: _id, version, tenant: _tenant, created_by: _by, created_at: _at, updated_at: _up, ...input } = changed
  t.equal((await call(s, 'PUT', `/v1/watch-rules/${listed.id as string}`, KEYS.admin, { ...input, description: 'Theirs' }, { 'if-match': `"${version as string}"` })).status, 200)
  await change.getByRole('button', { name: 'Save', exact: true }).click()
  await change.getByRole('alert').getByText(/The rule changed since this page read it/).waitFor()
  t.equal((await call(s, 'GET', `/v1/watch-rules/${listed.id as string}`, KEYS.read)).body.description, 'Theirs', 'the other change stands')
  await change.getByRole('button', { name: 'Cancel' }).click()

  await page.reload()
  await row.getByRole('button', { name: 'Change Bursts from the console' }).click()
  await change.getByRole('button', { name: 'Delete the rule' }).click()
  await page.getByRole('alertdialog', { name: 'Delete the watch rule “Bursts from the console”?' }).getByRole('button', { name: 'Delete the rule' }).click()
  await page.getByText('Watch rule “Bursts from the console” deleted; its alerts stay.').waitFor()
  // The list read again replaces the one shown meanwhile.
  await row.waitFor({ state: 'detached' })
  t.equal(await row.count(), 0, 'gone from the list')
  t.equal((await call(s, 'GET', `/v1/watch-rules/${listed.id as string}`, KEYS.read)).status, 404)
  t.equal((await call(s, 'GET', `/v1/alerts/${raised.id as string}`, KEYS.read)).status, 200, 'its alert stays')

  // A key that only reads sees the rules, not the means to change them.
  const reader = await s.page()
  await signIn(reader, KEYS.read, '/console/alerts/rules')
  await reader.getByRole('table', { name: /^Watch rules/ }).waitFor()
  t.equal(await reader.getByRole('button', { name: 'New watch rule' }).count(), 0)
  t.equal(await reader.getByRole('button', { name: /^Change / }).count(), 0)
  await reader.context().close()
  await page.context().close()
})

t.test('Signals in French', async t => {
  const page = await s.page({ locale: 'fr-FR' })
  await signIn(page, KEYS.read, '/console/signals?kind=failed-logins&from=now-1d&to=now')
  await page.getByRole('heading', { name: 'Signaux de fraude', level: 1 }).waitFor()
  const card = page.getByRole('article', { name: /^nº 1 Utilisateur burst-1/ })
  await card.waitFor()
  t.ok(await card.getByText('6 connexions échouées en 8 min').isVisible())
  t.ok(await card.getByRole('table', { name: 'Preuves (6 événements)' }).isVisible())
  t.ok(await card.getByRole('link', { name: /^Ouvrir les preuves dans Explorer/ }).isVisible())
  t.ok(await page.getByRole('button', { name: 'Chercher les signaux' }).isVisible())
  t.ok(await page.getByRole('link', { name: 'Voyages impossibles' }).isVisible())
  await noViolations(t, page, 'Signals in French')
  await s.screenshot(page, 'signals-fr')
  await page.context().close()
})
