import t from 'tap'
import { accessibilityViolations, signIn, startBrowserStack, type BrowserStack } from '../helpers/browser.ts'
import { seedEvents } from '../helpers/seed.ts'
import { KEYS } from '../helpers/stack.ts'
import { DEFAULT_COLUMNS } from '../../console/src/app/discover-state.ts'

const N = 600
const seeded = seedEvents('disc', N, Date.now() - 60_000)
// Events of tenant brand-a, for what tenant-bound and masked keys may see.
const brand = seedEvents('brand', 40, Date.now() - 120_000)
const tenantA = brand.map(s => ({ ...s.body, user: { id: 'a-user', email: 'alice.smith@example.com' } }))
// What a platform key sees: every tenant.
const all = [...seeded, ...brand]

let s: BrowserStack
t.before(async () => {
  s = await startBrowserStack(t)
  await s.ingest(seeded.map(e => e.body))
  await s.ingest(tenantA, KEYS.aIngest)
  if (await s.waitForCount(N + tenantA.length) !== N + tenantA.length) throw new Error('seed not indexed')
})

const totalText = (n: number): RegExp => new RegExp(`^${n.toLocaleString('en-GB')} ${n === 1 ? 'event' : 'events'}$`)

t.test('the console is served with a strict Content-Security-Policy and cache rules', async t => {
  const page = await s.page()
  const res = await page.goto('/console/discover')
  const csp = res?.headers()['content-security-policy'] ?? ''
  t.match(csp, /script-src 'self'/)
  t.notMatch(csp, /unsafe-inline|unsafe-eval/)
  t.equal(res?.headers()['cache-control'], 'no-cache')
  const asset = await page.evaluate(() => (document.querySelector('script[type=module]') as HTMLScriptElement).src)
  const assetRes = await page.request.get(asset)
  t.match(assetRes.headers()['cache-control'], /immutable/)
  await page.context().close()
})

t.test('a read key searches with KQL, a period and a filter chip; the key stays out of the URL and local storage', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read)
  await page.getByRole('combobox', { name: 'Quick ranges' }).selectOption('now-30d')
  await page.getByRole('combobox', { name: 'Search (KQL)' }).fill('event.action:login')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.getByLabel('Filter on').selectOption('outcome')
  await page.getByLabel('Filter value').selectOption('failure')
  await page.getByRole('button', { name: 'Add filter' }).click()
  const expected = all.filter(e => e.action === 'login' && e.outcome === 'failure').length
  await page.getByText(totalText(expected)).waitFor()
  t.match(page.url(), /q=event\.action%3Alogin/)
  t.match(page.url(), /outcome=failure/)
  t.notMatch(page.url(), new RegExp(KEYS.read))
  t.same(await page.evaluate(() => Object.keys(localStorage).filter(k => localStorage.getItem(k)?.includes('key') === true)), [])
  t.notOk(await page.getByRole('link', { name: 'Administration' }).isVisible(), 'no admin page for a read key')
  t.notOk(await page.getByLabel('Format').isVisible(), 'no export without the export scope')
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation on Discover')
  await s.screenshot(page, 'discover-search')
  await page.context().close()
})

t.test('the KQL bar suggests field names, then the most frequent values of the field in the period, chosen from the keyboard', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  const bar = page.getByRole('combobox', { name: 'Search (KQL)' })
  const list = page.getByRole('listbox', { name: 'Suggestions' })
  await bar.fill('event.act')
  await list.getByRole('option', { name: 'event.action:' }).waitFor()
  await bar.press('ArrowDown')
  await bar.press('Enter')
  t.equal(await bar.inputValue(), 'event.action:', 'the field name, with its colon')
  // The values of the field in the period, most frequent first, as the API counts them.
  const counts = new Map<string, number>()
  for (const e of all) counts.set(e.action, (counts.get(e.action) ?? 0) + 1)
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] as string
  await list.getByRole('option', { name: `"${top}"` }).waitFor()
  const options = await list.getByRole('option').allTextContents()
  t.equal(options.length, Math.min(10, counts.size), 'one per value, at most ten')
  t.ok(options.every(o => counts.has(o.slice(1, -1))), 'each a value of the field, quoted')
  await bar.press('ArrowDown')
  await bar.press('Enter')
  t.equal(await bar.inputValue(), `event.action:"${options[0]?.slice(1, -1) as string}" `)
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.getByText(totalText(counts.get(options[0]?.slice(1, -1) as string) as number)).waitFor()
  t.pass('the chosen value searches')
  await bar.fill('event.action:with')
  // The list is drawn again as the suggestions for the new text come: read it once it holds them.
  const continuing = async (): Promise<string[]> => await list.getByRole('option').allTextContents()
  for (let i = 0; i < 50 && (await continuing()).join() !== '"withdrawal"'; i++) await page.waitForTimeout(100)
  t.same(await continuing(), ['"withdrawal"'], 'values that continue what is typed')
  await page.context().close()
})

t.test('a KQL error is shown at its position', async t => {
  const page = await s.page()
  const histogram = page.waitForResponse(r => r.url().endsWith('/v1/events/aggregate'))
  await signIn(page, KEYS.read, '/console/discover?q=event.action%3A(login&from=now-30d&to=now')
  await page.getByRole('alert').getByText(/at character \d+/).waitFor()
  t.equal(await page.getByRole('combobox', { name: 'Search (KQL)' }).getAttribute('aria-invalid'), 'true')
  t.equal((await histogram).status(), 400)
  const region = page.getByRole('region', { name: 'Events over time' })
  await region.getByText('Loading…').waitFor({ state: 'detached', timeout: 5000 })
  t.equal(await region.textContent(), '', 'the histogram, refused the same query, stays silent (not loading for ever)')
  t.equal(await page.getByRole('alert').count(), 1, 'the error is reported once')
  await s.screenshot(page, 'discover-kql-error')
  await page.context().close()
})

t.test('a failed search and histogram say why, neither "0 events", "nothing to show" nor loading for ever', async t => {
  const page = await s.page()
  await page.route(/\/v1\/events\/(search|aggregate)$/, async route => {
    await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ message: 'Elasticsearch is unavailable' }) })
  })
  const searched = page.waitForResponse(r => r.url().endsWith('/v1/events/search'))
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await searched
  const failures = page.getByRole('alert').filter({ hasText: 'Elasticsearch is unavailable' })
  await failures.first().waitFor()
  t.equal(await page.getByText(totalText(0)).count(), 0, 'no "0 events" announced')
  t.equal(await page.getByText('Nothing to show').count(), 0, 'nor "nothing to show" beside the error')
  const histogram = page.getByRole('region', { name: 'Events over time' })
  await histogram.getByRole('alert').filter({ hasText: 'Elasticsearch is unavailable' }).waitFor({ timeout: 5000 })
  t.equal(await histogram.getByText('Loading…').count(), 0, 'the histogram is not loading for ever')
  t.equal(await failures.count(), 2, 'the histogram and the results each say why they are missing')
  await page.context().close()
})

t.test('an amount filter takes a decimal comma, and what is not a number is refused by the field', async t => {
  const page = await s.page()
  const amounts: unknown[] = []
  page.on('request', r => { if (r.url().endsWith('/v1/events/search') && !(r.postData() ?? '').includes('"cursor"')) amounts.push((r.postDataJSON() as { filters?: { amount?: unknown } }).filters?.amount) })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByText(totalText(all.length)).first().waitFor()
  await page.getByLabel('Filter on').selectOption('amountMin')
  const value = page.getByLabel('Filter value')
  for (const [typed, problem] of [['abc', '“abc” is not an amount'], ['1,500', 'the comma could separate thousands or decimals']] as const) {
    await value.fill(typed)
    await page.getByRole('button', { name: 'Add filter' }).click()
    await page.getByRole('alert').filter({ hasText: problem }).waitFor()
    t.equal(await value.getAttribute('aria-invalid'), 'true', `${typed}: the field is marked`)
    t.match(await page.locator(`#${await value.getAttribute('aria-describedby') ?? 'none'}`).textContent(), problem, 'and described by the problem')
  }
  t.equal(await page.getByRole('button', { name: /^Remove Amount/ }).count(), 0, 'no chip for them')
  await value.fill('1,5')
  t.equal(await page.getByRole('alert').count(), 0, 'the message goes once the value changes')
  await page.getByRole('button', { name: 'Add filter' }).click()
  await page.getByRole('button', { name: 'Remove Amount at least: 1.5' }).waitFor()
  await page.getByText(totalText(all.filter(e => (e.amount ?? 0) >= 1.5).length)).first().waitFor()
  t.same(amounts.at(-1), { gte: 1.5 }, 'a decimal comma is read as a point')
  await page.goto('/console/discover?from=now-30d&to=now&amountMax=lots')
  await page.getByText('(not a number: ignored)').waitFor()
  await page.getByText(totalText(all.length)).first().waitFor()
  t.equal(amounts.at(-1), undefined, 'an amount that is not a number in the address is left out, and its chip says so')
  await page.context().close()
})

t.test('thousands of rows scroll through the cursor while only the visible ones are in the page', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByText(totalText(all.length)).first().waitFor()
  const body = page.locator('.grid-body')
  for (let i = 0; i < 20 && !(await page.getByText('End of results').isVisible()); i++) {
    await body.evaluate(el => { el.scrollTop = el.scrollHeight })
    await page.waitForTimeout(150)
  }
  await page.getByText('End of results').waitFor()
  const rendered = await page.locator('.body-row').count()
  t.ok(rendered > 0 && rendered < 100, `${rendered} rows in the page for ${all.length} loaded`)
  await page.context().close()
})

t.test('the next page is fetched once the person scrolls, while a page of rows remains below the view', async t => {
  const page = await s.page()
  const pages: string[] = []
  page.on('request', r => { if (r.url().endsWith('/v1/events/search') && (r.postData() ?? '').includes('"cursor"')) pages.push(r.url()) })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByText(totalText(all.length)).first().waitFor()
  const loaded = async (): Promise<number> => await page.locator('.grid-body').evaluate(el => Math.round(el.scrollHeight / 34))
  await page.waitForTimeout(500)
  t.same([pages.length, await loaded()], [0, 100], 'the first page only, until the person scrolls')
  // One row down: fewer than 100 of the loaded rows remain below the view.
  await page.locator('.grid-body').evaluate(el => { el.scrollTop = 34 })
  await page.waitForFunction(rows => (document.querySelector('.grid-body')?.scrollHeight ?? 0) >= rows * 34, 200)
  await page.waitForTimeout(500)
  t.same([pages.length, await loaded()], [1, 200], 'the second page, long before the end of the first; no third while a page remains below')
  // Within a page of the end again: the third.
  await page.locator('.grid-body').evaluate(el => { el.scrollTop = 110 * 34 })
  await page.waitForFunction(rows => (document.querySelector('.grid-body')?.scrollHeight ?? 0) >= rows * 34, 300)
  t.equal(pages.length, 2)
  t.ok(await page.locator('.body-row').count() < 40, 'only the rows in view and a few beyond are in the page')
  await page.context().close()
})

t.test('a next page that fails is asked for again only on request; an expired cursor offers to search again', async t => {
  const page = await s.page()
  // The pages after the first: unavailable, then read, then expired (the cursor outlived its keep-alive).
  const answers: Array<number | 'pass'> = [503, 'pass']
  let pages = 0
  await page.route(/\/v1\/events\/search$/, async route => {
    if (!(route.request().postData() ?? '').includes('"cursor"')) return await route.continue()
    const answer = answers[pages++] ?? 410
    if (answer === 'pass') return await route.continue()
    await route.fulfill({ status: answer, contentType: 'application/json', body: JSON.stringify({ message: answer === 503 ? 'Elasticsearch is unavailable' : 'the cursor expired' }) })
  })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByText(totalText(all.length)).first().waitFor()
  const body = page.locator('.grid-body')
  const toEnd = async (): Promise<void> => { await body.evaluate(el => { el.scrollTop = el.scrollHeight }) }
  const loaded = async (rows: number): Promise<void> => { await page.waitForFunction(r => Math.round((document.querySelector('.grid-body')?.scrollHeight ?? 0) / 34) === r, rows) }
  // Two seconds after a failed page is asked for: time for the table to ask again hundreds of times.
  const settled = async (count: number): Promise<void> => {
    for (let i = 0; i < 100 && pages < count; i++) await page.waitForTimeout(100)
    await page.waitForTimeout(2000)
  }
  await toEnd()
  await settled(1)
  t.equal(pages, 1, 'the failed page is not asked for again on its own')
  const failed = page.getByRole('alert').filter({ hasText: 'The next page could not be read: Elasticsearch is unavailable' })
  await failed.waitFor()
  await failed.getByRole('button', { name: 'Load more' }).click()
  await loaded(200)
  t.equal(await failed.count(), 0, 'the message goes once the page is read')

  await toEnd()
  await settled(3)
  t.equal(pages, 3, 'an expired cursor is not asked for again')
  const expired = page.getByRole('alert').filter({ hasText: 'These results expired' })
  await expired.waitFor()
  await expired.getByRole('button', { name: 'Search again' }).click()
  await loaded(100)
  t.equal(await expired.count(), 0, 'the message goes with the new search')
  t.equal(await body.evaluate(el => el.scrollTop), 0, 'the search starts again from its first page')
  await page.waitForTimeout(500)
  t.equal(pages, 3, 'and waits for the person to scroll before its next page')
  await page.context().close()
})

t.test('zooming the histogram narrows the period; opening an event and filtering on its value', async t => {
  const page = await s.page()
  const searches: Array<{ fields?: string[], cursor?: string }> = []
  page.on('request', r => { if (r.url().endsWith('/v1/events/search')) searches.push(r.postDataJSON() as { fields?: string[] }) })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  const chart = page.getByRole('group', { name: 'Events over time' })
  await chart.waitFor()
  const box = await chart.boundingBox()
  if (box === null) throw new Error('no histogram')
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  await page.waitForURL(/from=\d{4}-\d\d-\d\dT/)
  const url = new URL(page.url())
  const from = Date.parse(url.searchParams.get('from') ?? '')
  const to = Date.parse(url.searchParams.get('to') ?? '')
  t.ok(to > from, 'an absolute period')
  const inPeriod = all.filter(e => e.time >= from && e.time <= to).length
  await page.getByText(totalText(inPeriod)).first().waitFor()
  t.ok(inPeriod > 0 && inPeriod < all.length, `${inPeriod} events in the zoomed period`)

  const first = searches.find(b => b.cursor === undefined)
  t.same(first?.fields, [...DEFAULT_COLUMNS, 'audit.actor.type', 'audit.actor.id', 'audit.tenant'], 'the table asks for the fields it draws only')
  // The newest operator's action of the period is on the first screen, with its badge from the projected actor.
  const operated = all.filter(e => e.time >= from && e.time <= to && e.operator !== undefined).sort((a, b) => b.time - a.time)[0]
  if (operated !== undefined) await page.getByText(`operator ${operated.operator as string}`).first().waitFor()

  const open = page.getByRole('button', { name: /^Open event / }).first()
  const id = ((await open.getAttribute('aria-label')) ?? '').replace(/^Open event /, '')
  const seededEvent = all.find(e => e.id === id)
  await open.click()
  const dialog = page.getByRole('dialog')
  await dialog.waitFor()
  // Fields the table does not draw: the whole event is read when the row is opened.
  const valueOf = (field: string) => dialog.getByRole('row').filter({ has: page.getByRole('rowheader', { name: field, exact: true }) }).getByRole('cell').first()
  t.equal(await valueOf('audit.category').textContent(), seededEvent?.category, 'the flyout shows a field that is not a column')
  t.equal(await valueOf('audit.session.id').textContent(), seededEvent?.session)
  t.ok(await dialog.getByRole('link', { name: 'Session' }).isVisible(), 'links from the whole event')
  const action = await valueOf('event.action').textContent()
  t.ok(await dialog.getByRole('button', { name: 'Proof of inclusion' }).isVisible(), 'a key that reads clear data is offered the proof')
  t.same(await accessibilityViolations(page), [], 'no serious accessibility violation in the flyout')
  await s.screenshot(page, 'discover-flyout')
  await dialog.getByRole('button', { name: 'Filter for event.action' }).click()
  const expected = all.filter(e => e.time >= from && e.time <= to && e.action === action).length
  await page.getByText(totalText(expected)).first().waitFor()
  t.match(new URL(page.url()).searchParams.get('q'), `event.action:"${action}"`)
  await page.context().close()
})

t.test('the histogram\'s bars are one tab stop: the focused bar is shown, arrow keys move between bars, Enter zooms', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByRole('group', { name: 'Events over time' }).waitFor()
  // What has the focus, and whether a person sees it: its box, in the view, not covered nor clipped away.
  const focused = async (): Promise<{ text: string, inChart: boolean, width: number, height: number, seen: boolean }> => await page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const r = el.getBoundingClientRect()
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    const inView = r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
    return { text: el.textContent ?? '', inChart: el.closest('.histogram') !== null, width: r.width, height: r.height, seen: inView && hit !== null && el.contains(hit) }
  })
  await page.getByRole('button', { name: 'Add filter' }).focus()
  await page.keyboard.press('Tab')
  const first = await focused()
  t.ok(first.inChart && /events$/.test(first.text), `the next tab stop is a bar: ${first.text}`)
  t.ok(first.seen && first.width > 40 && first.height > 12, `and it is shown (${Math.round(first.width)}×${Math.round(first.height)})`)
  t.equal(await page.locator('.chart .bar.focused').count(), 1, 'its bar is outlined')
  await s.screenshot(page, 'discover-histogram-keyboard')
  await page.keyboard.press('ArrowRight')
  const second = await focused()
  t.ok(second.inChart && second.seen && second.text !== first.text, `the right arrow moves to the next bar: ${second.text}`)
  await page.keyboard.press('End')
  const last = await focused()
  await page.keyboard.press('Tab')
  t.notOk((await focused()).inChart, 'one tab stop for all the bars')
  await page.keyboard.press('Shift+Tab')
  t.equal((await focused()).text, last.text, 'back on the bar last focused')
  await page.keyboard.press('Enter')
  await page.waitForURL(/from=\d{4}-\d\d-\d\dT/)
  t.pass('Enter zooms into the bar\'s period')
  await page.context().close()
})

t.test('a sign-in that cannot be checked (unavailable, rate-limited, offline) keeps the key and offers to try again; a refused key signs out', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  const answers: Array<number | 'offline'> = [503, 429, 'offline']
  await page.route(/\/v1\/me$/, async route => {
    const answer = answers.shift()
    if (answer === undefined) return await route.continue()
    if (answer === 'offline') return await route.abort('internetdisconnected')
    await route.fulfill({ status: answer, contentType: 'application/json', body: JSON.stringify({ message: answer === 503 ? 'Elasticsearch is unavailable' : 'Rate limit exceeded' }) })
  })
  await page.reload()
  const problem = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Your sign-in could not be checked' }) })
  for (const reason of ['Elasticsearch is unavailable', 'Rate limit exceeded', 'Failed to fetch']) {
    await problem.getByText(reason, { exact: false }).waitFor()
    t.equal(await page.evaluate(() => sessionStorage.getItem('sillage.apiKey')), KEYS.read, `${reason}: the key is kept`)
    if (reason === 'Rate limit exceeded') {
      t.same(await accessibilityViolations(page), [], 'no serious accessibility violation on the page that offers to try again')
      await s.screenshot(page, 'sign-in-unconfirmed')
    }
    await problem.getByRole('button', { name: 'Try again' }).click()
  }
  await page.getByText(totalText(all.length)).first().waitFor()
  t.pass('once the service answers, the console carries on with the same key')
  await page.unroute(/\/v1\/me$/)
  await page.route(/\/v1\/me$/, async route => { await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ message: 'unknown API key' }) }) })
  await page.reload()
  await page.getByLabel('API key').waitFor()
  t.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is forgotten')
  await page.context().close()
})

t.test('an event whose id another tenant also uses opens through a search within its row\'s tenant', async t => {
  const page = await s.page()
  // The API answers 409 to a key that sees several tenants holding the id.
  await page.route(/\/v1\/events\/disc-\d+$/, async route => { await route.fulfill({ status: 409, contentType: 'application/json', body: JSON.stringify({ message: 'tenants share this id' }) }) })
  const searches: Array<{ filters?: { tenant?: string[] }, query?: string }> = []
  page.on('request', r => { if (r.url().endsWith('/v1/events/search')) searches.push(r.postDataJSON() as { query?: string }) })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now&q=event.id%3Adisc-3')
  await page.getByRole('button', { name: 'Open event disc-3' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByRole('rowheader', { name: 'audit.category', exact: true }).waitFor()
  t.same(searches.at(-1), { filters: { tenant: ['default'] }, query: 'event.id:"disc-3"', size: 1 })
  const [proof] = await Promise.all([page.waitForRequest(/\/v1\/integrity\/proof\//), dialog.getByRole('button', { name: 'Proof of inclusion' }).click()])
  t.equal(new URL(proof.url()).searchParams.get('tenant'), 'default', 'the proof is asked for within the row\'s tenant')
  await page.context().close()
})

t.test('rows of tenants that share event ids are each drawn once, in their place, as the table scrolls', async t => {
  const page = await s.page()
  // Pairs of events with one id in two tenants, as a platform key may read them.
  const events = Array.from({ length: 200 }, (_, i) => ({
    id: `shared-${Math.floor(i / 2)}`, event: { '@timestamp': new Date(Date.now() - i * 60_000).toISOString(), audit: { tenant: i % 2 === 0 ? 'brand-a' : 'brand-b' } }
  }))
  await page.route(/\/v1\/events\/search$/, async route => {
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify({ total: events.length, events, cursor: null, took_ms: 1, partial: false, failed_shards: 0 }) })
  })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now&cols=%40timestamp%2Caudit.tenant')
  await page.getByText(totalText(events.length)).first().waitFor()
  const drawn = async (): Promise<string[]> => await page.locator('.body-row').evaluateAll(rows => rows.map(r => `${r.getAttribute('aria-rowindex') ?? ''}:${r.textContent ?? ''}`))
  const misplaced: string[] = []
  for (const top of [600, 1200, 2400, 1800, 600, 0]) {
    await page.locator('.grid-body').evaluate((el, y) => { el.scrollTop = y }, top)
    await page.waitForTimeout(150)
    const rows = await drawn()
    const indices = rows.map(r => r.split(':')[0])
    if (new Set(indices).size !== indices.length) misplaced.push(`at ${top}px a row is drawn twice`)
    for (const row of rows) {
      const index = Number(row.split(':')[0]) - 2
      if (!row.endsWith(index % 2 === 0 ? 'brand-a' : 'brand-b')) misplaced.push(`at ${top}px row ${index} shows ${row}`)
    }
  }
  t.same(misplaced, [], 'every row shows its own tenant\'s event')
  await page.context().close()
})

t.test('a shared link reopens the same view; back and forward work', async t => {
  const link = `/console/discover?q=event.action%3Adeposit&from=now-30d&to=now&country=FR&cols=%40timestamp%2Cevent.action%2Caudit.money.amount`
  const page = await s.page()
  await signIn(page, KEYS.read, link)
  const expected = all.filter(e => e.action === 'deposit' && e.country === 'FR').length
  await page.getByText(totalText(expected)).first().waitFor()
  await page.getByText('FR', { exact: true }).first().waitFor()
  t.equal(await page.getByRole('columnheader').count(), 3)
  // The column chooser offers stored fields only: user.name.text indexes user.name, and would show nothing.
  await page.locator('details.columns > summary').click()
  await page.locator('#column-filter').fill('user.name')
  await page.getByRole('checkbox', { name: 'user.name', exact: true }).waitFor()
  t.equal(await page.getByRole('checkbox', { name: 'user.name.text' }).count(), 0, 'no multi-field among the columns')
  await page.locator('details.columns > summary').click()
  await page.getByRole('combobox', { name: 'Search (KQL)' }).fill('event.action:withdrawal')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.getByText(totalText(all.filter(e => e.action === 'withdrawal' && e.country === 'FR').length)).first().waitFor()
  await page.goBack()
  await page.getByText(totalText(expected)).first().waitFor()
  t.equal(await page.getByRole('combobox', { name: 'Search (KQL)' }).inputValue(), 'event.action:deposit')
  await page.context().close()
})

t.test('long field names in column headers are shown whole, broken after their dots and underscores', async t => {
  const cols = ['@timestamp', 'event.action', 'user.id', 'source.ip', 'source.geo.country_iso_code', 'user_agent.device.name', 'audit.importance.level', 'audit.money.currency', 'event.outcome', 'message']
  const page = await s.page()
  await signIn(page, KEYS.read, `/console/discover?from=now-30d&to=now&cols=${encodeURIComponent(cols.join(','))}`)
  await page.getByText(totalText(all.length)).first().waitFor()
  const headers = await page.evaluate(`[...document.querySelectorAll('[role=columnheader]')].map(h => ({
    text: h.textContent.replace(/ [▲▼]$/, ''), clipped: h.scrollWidth > h.clientWidth + 1 || h.scrollHeight > h.clientHeight + 1
  }))`) as Array<{ text: string, clipped: boolean }>
  t.same(headers.map(h => h.text), cols, 'every header names its whole field')
  t.same(headers.filter(h => h.clipped).map(h => h.text), [], 'no header is cut off')
  const broken = await page.evaluate(`[...document.querySelectorAll('[role=columnheader] span')].filter(p => p.getClientRects().length > 1).map(p => p.textContent)`)
  t.same(broken, [], 'names break only after a dot or an underscore, never inside a word')
  await s.screenshot(page, 'discover-long-headers')
  await page.context().close()
})

t.test('keys see only their tenant, masked keys see masked values, admin keys see administration', async t => {
  const page = await s.page()
  await signIn(page, KEYS.aMasked, '/console/discover?from=now-30d&to=now&cols=%40timestamp%2Cuser.id%2Cuser.email%2Csource.ip')
  await page.getByText(totalText(tenantA.length)).first().waitFor()
  await page.getByText('Personal data masked').waitFor()
  t.equal(await page.getByText('alice.smith@example.com').count(), 0, 'no email in clear')
  t.ok(await page.getByText('a***@example.com').first().isVisible(), 'the masked email is shown')
  await s.screenshot(page, 'discover-masked')
  await page.getByRole('button', { name: /^Open event / }).first().click()
  const masked = page.getByRole('dialog')
  await masked.getByRole('rowheader', { name: 'event.action', exact: true }).waitFor()
  t.equal(await masked.getByRole('button', { name: 'Proof of inclusion' }).count(), 0, 'no proof offered to a masked key: its hashes commit to the clear event')
  t.ok(await masked.getByRole('button', { name: 'Filter for event.action' }).isVisible(), 'a value a masked key may search is offered as a filter')
  for (const field of ['user.email', 'source.ip', 'message']) {
    await masked.getByRole('rowheader', { name: field, exact: true }).waitFor()
    t.equal(await masked.getByRole('button', { name: new RegExp(`^Filter (for|out) ${field.replace('.', '\\.')}$`) }).count(), 0, `no filter on ${field}, which the API refuses a masked key`)
  }
  await masked.getByRole('button', { name: 'Close' }).click()
  const signalBodies: Array<{ by?: string }> = []
  page.on('request', r => { if (r.url().includes('/v1/signals/')) signalBodies.push(r.postDataJSON() as { by?: string }) })
  for (const [kind, label, offered] of [['failed-logins', 'Count per', ['user']], ['shared-device', 'Shared', ['device']]] as const) {
    await page.goto(`/console/signals?kind=${kind}&by=ip&from=now-30d&to=now`)
    const by = page.getByLabel(label, { exact: true })
    await by.waitFor()
    t.same(await by.locator('option').evaluateAll(os => os.map(o => (o as HTMLOptionElement).value)), offered, `${kind}: no grouping by clear address`)
  }
  t.same(signalBodies.map(b => b.by), ['user', 'device'], 'a link asking for addresses searches by the default')
  await page.goto('/console/integrity')
  await page.getByRole('heading', { name: 'Integrity', level: 1 }).waitFor()
  t.equal(await page.getByRole('heading', { name: 'Check one event' }).count(), 0, 'no proof check for a masked key')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('API key').waitFor()
  t.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out clears the key')

  await signIn(page, KEYS.admin)
  t.ok(await page.getByRole('link', { name: 'Administration' }).isVisible())
  t.ok(await page.getByLabel('Format').isVisible(), 'export offered to an admin key')
  await page.context().close()
})

t.test('the French interface formats dates and numbers in French', async t => {
  const page = await s.page({ locale: 'fr-FR' })
  await signIn(page, KEYS.read, '/console/discover?from=now-30d&to=now')
  await page.getByRole('link', { name: 'Explorer' }).waitFor()
  await page.getByText(`${all.length.toLocaleString('fr-FR')} événements`).first().waitFor()
  t.ok(await page.getByRole('button', { name: 'Se déconnecter' }).isVisible())
  await s.screenshot(page, 'discover-fr')
  await page.getByLabel('Langue').selectOption('en')
  await page.getByRole('link', { name: 'Discover' }).waitFor()
  await page.context().close()
})

t.test('searching again with the same query and period runs it again: new events appear', async t => {
  const page = await s.page()
  await signIn(page, KEYS.read, '/console/discover?q=event.action%3Arefresh_probe&from=now-15m&to=now')
  await page.getByText(totalText(0)).waitFor()
  await s.ingest([{ event: { id: 'refresh-probe-1', action: 'refresh_probe', outcome: 'success' }, user: { id: 'u-probe' } }])
  if (await s.waitForCount(N + tenantA.length + 1) !== N + tenantA.length + 1) throw new Error('the new event was not indexed')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await page.getByText(totalText(1)).waitFor()
  t.pass('the same address, searched again, shows the event that arrived since')
  await page.context().close()
})
