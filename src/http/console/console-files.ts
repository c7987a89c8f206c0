import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative, sep } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

/**
 * One built file of the console, held in memory (the build is a few hundred KB) with its compressed forms once
 * asked for: brotli at its best quality takes most of a second of CPU over the whole build, which a process
 * that never serves the console (a worker, most tests) should not pay at start.
 */
export interface ConsoleFile {
  type: string
  body: Buffer
  compressible: boolean
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

const loaded = new Map<string, Map<string, ConsoleFile>>()

/**
 * The console's files by URL path below its mount point (`index.html`, `assets/app-3f2a.js`…), read once per
 * process: every app built from the same directory shares them and their compressed forms.
 */
export function loadConsoleFiles (dir: string): Map<string, ConsoleFile> {
  const cached = loaded.get(dir)
  if (cached !== undefined) return cached
  const files = new Map<string, ConsoleFile>()
  for (const path of walk(dir)) {
    const ext = extname(path)
    const type = TYPES[ext]
    if (type === undefined) continue
    const body = readFileSync(path)
    const name = relative(dir, path).split(sep).join('/')
    files.set(name, { type, body, compressible: COMPRESSIBLE.has(ext) && body.length > 512, immutable: name.startsWith('assets/') })
  }
  loaded.set(dir, files)
  return files
}

/** The file in `encoding`, compressed the first time it is asked for; undefined when not worth compressing. */
export function encoded (file: ConsoleFile, encoding: 'br' | 'gzip'): Buffer | undefined {
  if (!file.compressible) return undefined
  if (encoding === 'br') return (file.br ??= brotliCompressSync(file.body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
  return (file.gzip ??= gzipSync(file.body, { level: 9 }))
}
