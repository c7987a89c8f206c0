import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/** One built file of the console, held in memory with its compressed forms (the build is a few hundred KB). */
export interface ConsoleFile {
  type: string
  body: Buffer
  br?: Buffer
  gzip?: Buffer
  /** Hashed names never change content: cached for a year. */
  immutable: boolean
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8'
}
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt'])

function walk (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** The console's files by URL path below its mount point (`index.html`, `assets/app-3f2a.js`…). */
export function loadConsoleFiles (dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>()
  for (const path of walk(dir)) {
    const ext = extname(path)
    const type = TYPES[ext]
    if (type === undefined) continue
    const body = readFileSync(path)
    const name = relative(dir, path).split(sep).join('/')
    const compress = COMPRESSIBLE.has(ext) && body.length > 512
    files.set(name, {
      type,
      body,
      ...(compress ? { br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), gzip: gzipSync(body, { level: 9 }) } : {}),
      immutable: name.startsWith('assets/')
    })
  }
  return files
}
