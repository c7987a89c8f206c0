import { createReadStream, createWriteStream, type ReadStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

// Names are made by the service (job id and extension), never taken from a client as they are.
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/
const PART = '.part'

/**
 * Files of background exports, in one directory that the worker writes and the API reads (the same disk or
 * a shared volume). A file is written under a temporary name and renamed once complete, so a reader never
 * sees half a file, and a retried job starts again from nothing.
 */
export class ExportFiles {
  constructor (readonly dir: string) {}

  private path (name: string): string {
    if (!SAFE_NAME.test(name)) throw new Error(`not an export file name: ${name}`)
    return join(this.dir, name)
  }

  /** Writes the chunks with backpressure; returns the size. */
  async write (name: string, chunks: AsyncIterable<Buffer>): Promise<number> {
    const target = this.path(name)
    await mkdir(this.dir, { recursive: true })
    const part = target + PART
    // A file of its own: a name already taken is a second writer, which must not share it (the names are per run).
    const out = createWriteStream(part, { flags: 'wx' })
    try {
      await pipeline(Readable.from(chunks, { objectMode: false }), out)
    } catch (err) {
      await rm(part, { force: true })
      throw err
    }
    await rename(part, target)
    return out.bytesWritten
  }

  async open (name: string): Promise<{ stream: ReadStream, bytes: number } | undefined> {
    const path = this.path(name)
    try {
      const { size } = await stat(path)
      return { stream: createReadStream(path), bytes: size }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  async remove (name: string): Promise<void> {
    await rm(this.path(name), { force: true })
    await rm(this.path(name) + PART, { force: true })
  }

  /** Deletes files (finished or abandoned halves) last written before `before`, but those in `keep`; returns their names. */
  async sweep (before: number, keep: ReadonlySet<string> = new Set()): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(this.dir)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const removed: string[] = []
    for (const name of names) {
      const base = name.endsWith(PART) ? name.slice(0, -PART.length) : name
      if (!SAFE_NAME.test(base) || keep.has(name)) continue
      const path = join(this.dir, name)
      const info = await stat(path).catch(() => undefined)
      if (info?.isFile() === true && info.mtimeMs < before) {
        await rm(path, { force: true })
        removed.push(name)
      }
    }
    return removed
  }
}
