/**
 * Console benchmark on the 1M-event benchmark data set, in real Chromium: time from the search API's answer to
 * the first rows on screen, loading and scrolling 5,000 rows (frame intervals while scrolling), and the
 * console's first-load transfer size; beside them, the same search's time measured straight on the API.
 * Usage: npm run bench:console -- [events=1000000] [rounds=5]
 */
import { chromium } from 'playwright-core'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { KEYS, testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const ROUNDS = Number(process.argv[3] ?? 5)
const ROWS = 5000
const config = loadConfig(testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' }))
const es = createEs(config.elasticsearchUrl)
await ensureDataset(es, config, TOTAL, s => console.log(s))
const api = await composeApi(config, es)
await api.app.listen({ port: 0, host: '127.0.0.1' })
const address = api.app.server.address()
const origin = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
const view = '/console/discover?from=now-30d&to=now'
// What Discover sends for that view (Europe/Paris is the browser's zone below).
const request = { filters: { period: { from: 'now-30d', to: 'now', timeZone: 'Europe/Paris' } }, timeZone: 'Europe/Paris', sort: [{ field: 'time', order: 'desc' }], size: 100 }

const SCROLL_FRAMES = `new Promise(resolve => {
  const body = document.querySelector('.grid-body')
  body.scrollTop = 0
  const intervals = []
  let last = performance.now()
  const step = () => {
    const now = performance.now()
    intervals.push(now - last)
    last = now
    body.scrollTop += 120
    if (body.scrollTop + body.clientHeight >= Math.min(body.scrollHeight, ${ROWS} * 34) - 1) {
      const s = intervals.slice(1).sort((a, b) => a - b)
      resolve({ p50: s[Math.floor(s.length / 2)], p99: s[Math.floor(s.length * 0.99)], dropped: s.filter(x => x > 1.5 * 16.7).length, total: s.length })
    } else requestAnimationFrame(step)
  }
  requestAnimationFrame(step)
})`

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number }
const args = ['--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
if (process.getuid?.() === 0) args.push('--no-sandbox')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args })

const apiMs: number[] = []
const afterAnswer: number[] = []
const firstRows: number[] = []
const load5000: number[] = []
const frames: Array<{ p50: number, p99: number, dropped: number, total: number }> = []
let transferred = 0
for (let round = 0; round < ROUNDS; round++) {
  // The search alone, as the browser sends it.
  const t0 = performance.now()
  const r = await fetch(`${origin}/v1/events/search`, { method: 'POST', headers: { authorization: `ApiKey ${KEYS.read}`, 'content-type': 'application/json' }, body: JSON.stringify(request) })
  await r.json()
  apiMs.push(performance.now() - t0)

  const context = await browser.newContext({ baseURL: origin, timezoneId: 'Europe/Paris', locale: 'en-GB', viewport: { width: 1440, height: 900 } })
  // Signed in as a person would be, then a fresh load of the view with an empty cache.
  await context.addInitScript(key => { sessionStorage.setItem('sillage.apiKey', key) }, KEYS.read)
  await context.addInitScript(() => {
    new MutationObserver((_m, o) => {
      if (document.querySelector('.body-row') !== null) { (window as unknown as { firstRow: number }).firstRow = performance.now(); o.disconnect() }
    }).observe(document, { childList: true, subtree: true })
  })
  const page = await context.newPage()
  await page.goto(view)
  await page.waitForFunction(() => (window as unknown as { firstRow?: number }).firstRow !== undefined, null, { timeout: 60_000 })
  const timing = await page.evaluate(() => {
    const search = performance.getEntriesByType('resource').find(e => e.name.endsWith('/v1/events/search')) as PerformanceResourceTiming
    const all = [performance.getEntriesByType('navigation')[0] as PerformanceResourceTiming, ...performance.getEntriesByType('resource') as PerformanceResourceTiming[]]
    return {
      firstRow: (window as unknown as { firstRow: number }).firstRow,
      answered: search.responseEnd,
      bytes: all.filter(e => !e.name.includes('/v1/')).reduce((a, e) => a + e.transferSize, 0)
    }
  })
  firstRows.push(timing.firstRow)
  afterAnswer.push(timing.firstRow - timing.answered)
  transferred = timing.bytes

  // Loading 5,000 rows through the cursor by scrolling, then one scroll over all of them, frame by frame.
  const loaded = await page.evaluate(async rows => {
    const body = document.querySelector('.grid-body') as HTMLElement
    const t0 = performance.now()
    while (body.scrollHeight / 34 < rows && performance.now() - t0 < 120_000) {
      body.scrollTop = body.scrollHeight
      await new Promise(resolve => setTimeout(resolve, 16))
    }
    return performance.now() - t0
  }, ROWS)
  load5000.push(loaded)
  // Passed as text: the TypeScript loader would wrap named functions in a helper the page does not have.
  // The scroll stops at the 5,000th row: more pages keep loading below it as the end comes near.
  const f = await page.evaluate(SCROLL_FRAMES) as { p50: number, p99: number, dropped: number, total: number }
  frames.push(f)
  await context.close()
}
await browser.close()
await api.close()
await es.close()

const fmt = (x: number): string => x.toFixed(0)
console.log(`\nConsole on ${TOTAL.toLocaleString('en')} events, ${ROUNDS} rounds (medians)`)
console.log('| Measure | value |\n|---|---|')
console.log(`| baseline: the same search straight on the API | ${fmt(median(apiMs))} ms |`)
console.log(`| first rows on screen after opening Discover (from navigation start) | ${fmt(median(firstRows))} ms |`)
console.log(`| first rows on screen after the search's answer | ${fmt(median(afterAnswer))} ms |`)
console.log(`| ${ROWS.toLocaleString('en')} rows loaded by scrolling (${ROWS / 100} pages) | ${fmt(median(load5000))} ms |`)
console.log(`| scroll over ${ROWS.toLocaleString('en')} rows: frame interval p50 / p99, frames over 25 ms | ${median(frames.map(f => f.p50)).toFixed(1)} / ${median(frames.map(f => f.p99)).toFixed(1)} ms, ${median(frames.map(f => f.dropped))} of ${median(frames.map(f => f.total))} |`)
console.log(`| first load transferred (HTML, JS, CSS; brotli) | ${(transferred / 1024).toFixed(1)} KB |`)
