import t from 'tap'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import Fastify from 'fastify'
import { CONSOLE_CSP, installConsole } from '../../../src/http/console/console-routes.ts'
import { loadConsoleFiles } from '../../../src/http/console/console-files.ts'

const dir = mkdtempSync(join(tmpdir(), 'sillage-console-'))
mkdirSync(join(dir, 'assets'))
const html = `<!doctype html><html><head><title>Sillage</title></head><body>${'<div></div>'.repeat(100)}</body></html>`
const js = `export const rows = [${Array.from({ length: 300 }, (_, i) => `'row ${i}'`).join(',')}]`
writeFileSync(join(dir, 'index.html'), html)
writeFileSync(join(dir, 'assets', 'app-3f2a.js'), js)
writeFileSync(join(dir, 'assets', 'tiny.css'), 'body{margin:0}')

async function app (from: string): Promise<ReturnType<typeof Fastify>> {
  const a = Fastify()
  installConsole(a, from)
  await a.ready()
  return a
}

t.test('files are served compressed as the client accepts, with the console\'s headers', async t => {
  const a = await app(dir)
  t.teardown(() => a.close())
  const br = await a.inject({ url: '/console/assets/app-3f2a.js', headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.equal(br.headers['content-encoding'], 'br')
  t.equal(brotliDecompressSync(br.rawPayload).toString(), js)
  t.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.equal(br.headers['content-security-policy'], CONSOLE_CSP)
  const gzip = await a.inject({ url: '/console/assets/app-3f2a.js', headers: { 'accept-encoding': 'gzip' } })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.equal(gunzipSync(gzip.rawPayload).toString(), js)
  const plain = await a.inject({ url: '/console/assets/app-3f2a.js' })
  t.equal(plain.headers['content-encoding'], undefined)
  t.equal(plain.body, js)
  const small = await a.inject({ url: '/console/assets/tiny.css', headers: { 'accept-encoding': 'br' } })
  t.equal(small.headers['content-encoding'], undefined, 'a file too small to gain is sent as it is')
  t.equal(small.body, 'body{margin:0}')
})

t.test('a view of the app gets index.html; a missing asset is a 404', async t => {
  const a = await app(dir)
  t.teardown(() => a.close())
  const view = await a.inject({ url: '/console/discover?q=x', headers: { 'accept-encoding': 'br' } })
  t.equal(view.statusCode, 200)
  t.equal(brotliDecompressSync(view.rawPayload).toString(), html)
  t.equal(view.headers['cache-control'], 'no-cache')
  const missing = await a.inject({ url: '/console/assets/gone-1234.js' })
  t.equal(missing.statusCode, 404)
  t.match(missing.json().message, 'no console file assets/gone-1234.js')
})

t.test('a directory is read and each file compressed once per process, whatever the apps built from it', async t => {
  const first = await app(dir)
  const second = await app(dir)
  t.teardown(async () => { await first.close(); await second.close() })
  await first.inject({ url: '/console/assets/app-3f2a.js', headers: { 'accept-encoding': 'br' } })
  const file = loadConsoleFiles(dir).get('assets/app-3f2a.js')
  const made = file?.br
  t.ok(made, 'compressed when first asked for')
  await second.inject({ url: '/console/assets/app-3f2a.js', headers: { 'accept-encoding': 'br' } })
  t.equal(loadConsoleFiles(dir).get('assets/app-3f2a.js')?.br, made, 'the second app serves the same compressed bytes')
  t.equal(loadConsoleFiles(dir).get('index.html')?.gzip, undefined, 'nothing is compressed before it is asked for')
})

t.test('without a build, the console says how to make one', async t => {
  const a = await app(join(dir, 'missing'))
  t.teardown(() => a.close())
  const res = await a.inject({ url: '/console/' })
  t.equal(res.statusCode, 503)
  t.match(res.json().message, 'npm run console:build')
})
