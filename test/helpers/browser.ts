import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Test } from 'tap'
import { chromium, type Browser, type Page } from 'playwright-core'
import { auth, KEYS, startStack, type Stack } from './stack.ts'

/** Debian's Chromium (installed by scripts/engines/install.sh); browser downloads are never used. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SHOTS = join(process.cwd(), 'test-results', 'browser')
const requireHere = createRequire(import.meta.url)

export interface BrowserStack extends Stack {
  browser: Browser
  /** http://127.0.0.1:<port> of the API serving the console. */
  origin: string
  /** A fresh page (its own context: no storage shared with other pages). */
  page: (options?: { locale?: string }) => Promise<Page>
  /** Saves the page's final screen under test-results/browser/<name>.png. */
  screenshot: (page: Page, name: string) => Promise<void>
  ingest: (events: object[], key?: string) => Promise<void>
}

/**
 * The real stack listening on a loopback port, with the built console, and a headless Chromium. A missing
 * build or browser fails the test loudly: a browser test that cannot run is a failed one. `port` 0 takes any
 * free one; single sign-on tests give the port their provider's redirect URL names.
 */
export async function startBrowserStack (t: Test, env: Record<string, string> = {}, port = 0): Promise<BrowserStack> {
  if (!existsSync(join(process.cwd(), 'console', 'dist', 'index.html'))) throw new Error('console/dist is missing: npm test builds it (npx vite build console)')
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: scripts/engines/install.sh installs Debian's chromium package (or set CHROMIUM_PATH)`)
  const stack = await startStack(t, { env })
  await stack.api.app.listen({ port, host: '127.0.0.1' })
  const address = stack.api.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the API is not listening on a TCP port')
  const origin = `http://127.0.0.1:${address.port}`
  const args = ['--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']
  if (process.getuid?.() === 0) args.push('--no-sandbox')
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, timeout: 60_000 })
  t.teardown(async () => { await browser.close() })
  mkdirSync(SHOTS, { recursive: true })
  return {
    ...stack,
    browser,
    origin,
    page: async (options = {}) => {
      const context = await browser.newContext({ baseURL: origin, locale: options.locale ?? 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1440, height: 900 } })
      const page = await context.newPage()
      page.setDefaultTimeout(20_000)
      // Any script error or CSP violation in the console fails the test that caused it.
      page.on('pageerror', err => { t.fail(`console page error: ${err.message}`) })
      page.on('console', msg => { if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) t.fail(`CSP violation: ${msg.text()}`) })
      return page
    },
    screenshot: async (page, name) => { await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false }) },
    ingest: async (events, key = KEYS.ingest) => {
      for (let i = 0; i < events.length; i += 500) {
        const res = await stack.api.app.inject({ method: 'POST', url: '/v1/events', headers: auth(key), payload: { events: events.slice(i, i + 500) } })
        if (res.statusCode !== 202) throw new Error(`seed refused: ${res.statusCode} ${res.body}`)
      }
    }
  }
}

/** Signs in through the form, as a person would. */
export async function signIn (page: Page, key: string, path = '/console/'): Promise<void> {
  await page.goto(path)
  await page.getByLabel(/API key|Clé d’API/).fill(key)
  await page.getByRole('button', { name: /Sign in|Se connecter/ }).click()
  await page.getByRole('navigation', { name: /Main|Principal/ }).waitFor()
}

const AXE = readFileSync(requireHere.resolve('axe-core/axe.min.js'), 'utf8')

/** Serious and critical accessibility violations on the page (axe-core, WCAG 2 A and AA rules). */
export async function accessibilityViolations (page: Page): Promise<string[]> {
  // Evaluated through the debugging protocol, which the page's CSP does not apply to.
  await page.evaluate(AXE)
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: Array<{ id: string, impact: string | null, help: string, nodes: Array<{ target: unknown }> }> }> } }).axe
    return await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
  })
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))}`)
}
