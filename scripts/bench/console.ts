/**
 * Console benchmark on the 1M-event benchmark data set, in real Chromium: time from the search API's answer to
 * the first rows on screen, loading and scrolling 5,000 rows (frame intervals while scrolling), and the
 * console's first-load transfer size; beside them, the same search's time measured straight on the API, and
 * the long frames of the same page when no page of rows arrives (scrolling back up), when nothing scrolls,
 * and of a static page scrolled the same way: what the machine itself does to any scroll at that moment; and
 * what the page holds in memory (its heaps after full garbage collections) with the first page and with
 * 5,000 rows loaded.
 * With `--trace`, one more round records a Chromium performance trace of the scrolls and prints where the
 * frames' time went. SILLAGE_CONSOLE_DIR serves another build (an unminified one names React's functions);
 * SILLAGE_BENCH_COMPARE=<dir> measures a second build in the same rounds, taking turns (before and after).
 * Usage: npm run bench:console -- [events=1000000] [rounds=5] [--trace]
 */
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { loadConfig } from '../../src/config/config.ts'
import { createEs } from '../../src/store/elasticsearch.ts'
import { composeApi } from '../../src/compose/api.ts'
import { KEYS, testEnv } from '../../test/helpers/stack.ts'
import { ensureDataset } from './dataset.ts'
import { breakdown, startTrace, type Breakdown } from './frame-trace.ts'
import { framesScript, staticPage, type Frames } from './scroll-frames.ts'
import { allocatedDuring, heapAfterGc, mb, type Heap } from './page-heap.ts'

const positional = process.argv.slice(2).filter(a => !a.startsWith('--'))
const TOTAL = Number(positional[0] ?? 1_000_000)
const ROUNDS = Number(positional[1] ?? 5)
const TRACE = process.argv.includes('--trace')
const ROWS = 5000
const ROW_HEIGHT = 34
const base = testEnv({ SILLAGE_INDEX_PREFIX: `bench${TOTAL}`, SILLAGE_LOG_LEVEL: 'warn' })
const es = createEs(loadConfig(base).elasticsearchUrl)
await ensureDataset(es, loadConfig(base), TOTAL, s => console.log(s))

interface Build { name: string, origin: string, close: () => Promise<void> }
/** An API serving the console built in `dir` (the default build without one). */
async function serve (name: string, dir: string | undefined): Promise<Build> {
  const api = await composeApi(loadConfig({ ...base, ...(dir === undefined ? {} : { SILLAGE_CONSOLE_DIR: dir }) }), es)
  await api.app.listen({ port: 0, host: '127.0.0.1' })
  const address = api.app.server.address()
  return { name, origin: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`, close: async () => { await api.close() } }
}
const compared = process.env.SILLAGE_BENCH_COMPARE
const builds = [await serve(process.env.SILLAGE_CONSOLE_DIR ?? 'console/dist', process.env.SILLAGE_CONSOLE_DIR), ...(compared === undefined ? [] : [await serve(compared, compared)])]
const view = '/console/discover?from=now-30d&to=now'
// What Discover sends for that view (Europe/Paris is the browser's zone below).
const request = { filters: { period: { from: 'now-30d', to: 'now', timeZone: 'Europe/Paris' } }, timeZone: 'Europe/Paris', sort: [{ field: 'time', order: 'desc' }], size: 100 }

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] as number }
const args = ['--headless=new', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
if (process.getuid?.() === 0) args.push('--no-sandbox')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args })

type Mode = 'live' | 'down' | 'up' | 'idle' | 'static'
interface Memory { first: Heap, loaded: Heap, rows: number, allocatedPerFrame: number }
interface Results { afterAnswer: number[], firstRows: number[], load5000: number[], transferred: number, runs: Record<Mode, Frames[]>, memory: Memory[], traces: Record<string, Breakdown> }
const results = new Map<Build, Results>(builds.map(b => [b, { afterAnswer: [], firstRows: [], load5000: [], transferred: 0, runs: { live: [], down: [], up: [], idle: [], static: [] }, memory: [], traces: {} }]))
const apiMs: number[] = []

/** A fresh load of the view with an empty cache, signed in as a person would be; resolves when rows show. */
async function openDiscover (build: Build): Promise<{ page: Page, close: () => Promise<void> }> {
  const context = await browser.newContext({ baseURL: build.origin, timezoneId: 'Europe/Paris', locale: 'en-GB', viewport: { width: 1440, height: 900 } })
  await context.addInitScript(key => { sessionStorage.setItem('sillage.apiKey', key) }, KEYS.read)
  await context.addInitScript(() => {
    new MutationObserver((_m, o) => {
      if (document.querySelector('.body-row') !== null) { (window as unknown as { firstRow: number }).firstRow = performance.now(); o.disconnect() }
    }).observe(document, { childList: true, subtree: true })
  })
  const page = await context.newPage()
  await page.goto(view)
  await page.waitForFunction(() => (window as unknown as { firstRow?: number }).firstRow !== undefined, null, { timeout: 60_000 })
  return { page, close: async () => { await context.close() } }
}

/** Loads 5,000 rows through the cursor by jumping to the end of the list until they are there. */
async function load (page: Page): Promise<number> {
  return await page.evaluate(async ({ rows, height }) => {
    const body = document.querySelector('.grid-body') as HTMLElement
    const t0 = performance.now()
    while (body.scrollHeight / height < rows && performance.now() - t0 < 120_000) {
      body.scrollTop = body.scrollHeight
      await new Promise(resolve => setTimeout(resolve, 16))
    }
    return performance.now() - t0
  }, { rows: ROWS, height: ROW_HEIGHT })
}

const measure = async (page: Page, mode: Exclude<Mode, 'static'>, frames = 0): Promise<Frames> =>
  await page.evaluate(framesScript(mode, ROWS, ROW_HEIGHT, frames)) as Frames

/** The static page of the same scroller (no rows, no script), beside the console in the same browser. */
async function staticCopy (page: Page): Promise<Page> {
  const copy = await page.context().newPage()
  await copy.setContent(staticPage(ROWS, ROW_HEIGHT))
  return copy
}

/**
 * The heaps with the first page, then with 5,000 rows, on a page of its own (the collections it forces would
 * change when the frames' next ones fall). Back at the top before measuring, so no further page is on its way.
 * Then the scroll over the loaded rows once more, under the sampling heap profiler: what each frame allocates
 * is what the collections that fall in the frames have to collect.
 */
async function memory (build: Build): Promise<Memory> {
  const { page, close } = await openDiscover(build)
  const first = await heapAfterGc(page)
  await load(page)
  const rows = await page.evaluate(async height => {
    const body = document.querySelector('.grid-body') as HTMLElement
    body.scrollTop = 0
    await new Promise(resolve => setTimeout(resolve, 1000))
    return Math.round(body.scrollHeight / height)
  }, ROW_HEIGHT)
  const loaded = await heapAfterGc(page)
  const scroll = await allocatedDuring(page, async () => await measure(page, 'down'))
  await close()
  return { first, loaded, rows, allocatedPerFrame: scroll.bytes / scroll.result.total }
}

async function round (build: Build, r: Results): Promise<void> {
  const first = await openDiscover(build)
  const timing = await first.page.evaluate(() => {
    const search = performance.getEntriesByType('resource').find(e => e.name.endsWith('/v1/events/search')) as PerformanceResourceTiming
    const all = [performance.getEntriesByType('navigation')[0] as PerformanceResourceTiming, ...performance.getEntriesByType('resource') as PerformanceResourceTiming[]]
    return {
      firstRow: (window as unknown as { firstRow: number }).firstRow,
      answered: search.responseEnd,
      bytes: all.filter(e => !e.name.includes('/v1/')).reduce((a, e) => a + e.transferSize, 0)
    }
  })
  r.firstRows.push(timing.firstRow)
  r.afterAnswer.push(timing.firstRow - timing.answered)
  r.transferred = timing.bytes
  // Scrolling down from the first page as a person reading fast would, while the next pages load.
  r.runs.live.push(await measure(first.page, 'live'))
  await first.close()

  // The 5,000 rows loaded, then scrolled over down to the 5,000th row (more pages load below it as the end
  // comes near), back up (no page arrives: the same rows drawn without data), not scrolled at all; and a
  // static page of the same scroller, scrolled like the first.
  const second = await openDiscover(build)
  r.load5000.push(await load(second.page))
  const down = await measure(second.page, 'down')
  r.runs.down.push(down)
  r.runs.up.push(await measure(second.page, 'up'))
  r.runs.idle.push(await measure(second.page, 'idle', down.total))
  r.runs.static.push(await measure(await staticCopy(second.page), 'down'))
  await second.close()
  r.memory.push(await memory(build))
}

/** One more round under the performance trace: each scroll's frames taken apart. */
async function traced (build: Build, r: Results): Promise<void> {
  const run = async (page: Page, mode: 'live' | 'down' | 'up', name: string = mode): Promise<void> => {
    const cdp = await page.context().newCDPSession(page)
    const stop = await startTrace(cdp)
    const f = await measure(page, mode)
    const events = await stop()
    // The whole trace, to open in DevTools' Performance panel.
    const file = join(tmpdir(), `sillage-console-${builds.indexOf(build)}-${name}.trace.json`)
    await writeFile(file, JSON.stringify({ traceEvents: events }))
    console.log(`${build.name}, ${name} scroll traced: ${file} (${f.dropped} of ${f.total} frames over 25 ms)`)
    r.traces[name] = breakdown(events, 'sillage-frames')
    await cdp.detach()
  }
  const first = await openDiscover(build)
  await run(first.page, 'live')
  await first.close()
  const second = await openDiscover(build)
  await load(second.page)
  await run(second.page, 'down')
  await run(await staticCopy(second.page), 'down', 'static')
  await second.close()
}

for (let i = 0; i < ROUNDS; i++) {
  // The search alone, as the browser sends it.
  const t0 = performance.now()
  const res = await fetch(`${(builds[0] as Build).origin}/v1/events/search`, { method: 'POST', headers: { authorization: `ApiKey ${KEYS.read}`, 'content-type': 'application/json' }, body: JSON.stringify(request) })
  await res.json()
  apiMs.push(performance.now() - t0)
  // Builds compared take turns, each going first every other round.
  for (const build of i % 2 === 0 ? builds : [...builds].reverse()) await round(build, results.get(build) as Results)
}
if (TRACE) for (const build of builds) await traced(build, results.get(build) as Results)
await browser.close()
for (const b of builds) await b.close()
await es.close()

const fmt = (x: number): string => x.toFixed(0)
const framesLine = (fs: Frames[]): string =>
  `${median(fs.map(f => f.p50)).toFixed(1)} / ${median(fs.map(f => f.p99)).toFixed(1)} ms, **${median(fs.map(f => f.dropped))}** of ${median(fs.map(f => f.total))} (${fs.map(f => f.dropped).join(', ')})`
const rows = ROWS.toLocaleString('en')
const line = (label: string, cell: (r: Results) => string): void => { console.log(`| ${label} | ${builds.map(b => cell(results.get(b) as Results)).join(' | ')} |`) }
console.log(`\nConsole on ${TOTAL.toLocaleString('en')} events, ${ROUNDS} rounds (medians; frame counts of each round in brackets)`)
console.log(`| Measure | ${builds.map(b => b.name).join(' | ')} |\n|---|${builds.map(() => '---|').join('')}`)
console.log(`| baseline: the same search straight on the API | ${builds.map(() => `${fmt(median(apiMs))} ms`).join(' | ')} |`)
line('first rows on screen after opening Discover (from navigation start)', r => `${fmt(median(r.firstRows))} ms`)
line('first rows on screen after the search\'s answer', r => `${fmt(median(r.afterAnswer))} ms`)
line(`${rows} rows loaded by scrolling (${ROWS / 100} pages)`, r => `${fmt(median(r.load5000))} ms`)
line(`scroll down to row ${rows} while its pages load: frame p50 / p99, frames over 25 ms`, r => framesLine(r.runs.live))
line('… frames in which the list had ended (its next page not there yet)', r => `${median(r.runs.live.map(f => f.stalls))} (${r.runs.live.map(f => f.stalls).join(', ')})`)
line(`scroll over ${rows} loaded rows: frame p50 / p99, frames over 25 ms`, r => framesLine(r.runs.down))
line('baseline: scroll back up over the same rows (no page arrives)', r => framesLine(r.runs.up))
line('baseline: the same page, not scrolled, as many frames', r => framesLine(r.runs.idle))
line('baseline: a static page (the same scroller, striped, no rows, no script) scrolled the same way', r => framesLine(r.runs.static))
line('first load transferred (HTML, JS, CSS; brotli)', r => `${(r.transferred / 1024).toFixed(1)} KB`)
const heapLine = (label: string, of: (m: Memory) => number, unit: (x: number) => string): void =>
  line(label, r => `${unit(median(r.memory.map(of)))} (${r.memory.map(m => unit(of(m))).join(', ')})`)
heapLine('rows loaded when the heap was measured', m => m.rows, x => x.toLocaleString('en'))
heapLine(`JavaScript heap with ${rows} rows loaded (after full collections)`, m => m.loaded.js, x => `${mb(x)} MB`)
heapLine('baseline: the same page with its first 100 rows', m => m.first.js, x => `${mb(x)} MB`)
heapLine('JavaScript heap per row loaded beyond the first page', m => (m.loaded.js - m.first.js) / Math.max(1, m.rows - 100), x => `${x.toFixed(0)} B`)
heapLine(`DOM heap (Blink) with ${rows} rows loaded`, m => m.loaded.dom, x => `${mb(x)} MB`)
heapLine(`JavaScript allocated per frame, scroll over ${rows} loaded rows (sampled)`, m => m.allocatedPerFrame, x => `${(x / 1024).toFixed(1)} KB`)
if (TRACE) {
  const ms = (x: number): string => x.toFixed(1)
  for (const name of ['live', 'down', 'static']) {
    console.log(`\nTraced ${name} scroll (one round, under the tracer)`)
    line('main-thread CPU per frame p50 / p99 / mean', r => { const b = r.traces[name] as Breakdown; return `${ms(b.cpuPerFrame.p50)} / ${ms(b.cpuPerFrame.p99)} / ${ms(b.cpuPerFrame.mean)} ms` })
    line('frames over 25 ms, and of them: under one frame (16.7 ms) of main-thread CPU, reading a page of results', r => { const b = r.traces[name] as Breakdown; return `${b.long.frames}: ${b.long.underBudget}, ${b.long.withAnswer}` })
    line('main-thread tasks in those frames: wall time / CPU time', r => { const b = r.traces[name] as Breakdown; return `${fmt(b.long.mainWall)} / ${fmt(b.long.mainCpu)} ms` })
    line('main-thread CPU per frame by event (ms)', r => (r.traces[name] as Breakdown).byEvent.slice(0, 7).map(e => `${e.name} ${e.ms.toFixed(2)}`).join(', '))
    line('JavaScript per frame by function (ms, sampled: includes time the thread waited for a core)', r => (r.traces[name] as Breakdown).byFunction.slice(0, 6).map(e => `${e.name} ${e.ms.toFixed(2)}`).join('; '))
    line('garbage collections: major (pauses), minor (pauses), long frames holding a major one', r => { const g = (r.traces[name] as Breakdown).gc; return `${g.major} (${fmt(g.majorMs)} ms), ${g.minor} (${fmt(g.minorMs)} ms), ${g.longWithMajor}` })
  }
}
