import { createHash } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import { ZipFile } from 'yazl'

/** One file of a pack, produced only when the archive reaches it. */
export interface PackSource {
  path: string
  chunks: () => AsyncIterable<string | Buffer> | Iterable<string | Buffer>
}

export interface PackedFile { path: string, sha256: string, bytes: number }

export const MANIFEST = 'manifest.json'

/** The text of a manifest, as the pack holds it (and as a background pack's manifest is kept beside it). */
export const manifestText = (manifest: unknown): string => JSON.stringify(manifest, null, 2) + '\n'

async function * hashed (chunks: AsyncIterable<string | Buffer> | Iterable<string | Buffer>, path: string, done: (f: PackedFile) => void): AsyncGenerator<Buffer> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of chunks) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    hash.update(buf)
    bytes += buf.length
    yield buf
  }
  done({ path, sha256: hash.digest('hex'), bytes })
}

/**
 * A zip archive written as it is read: each file is produced when its turn comes (so a pack holds one file's
 * current chunk at a time, whatever its size), hashed on the way, and `manifest.json`, last, lists the SHA-256
 * and size of every other file. Zip rather than tar: tar needs each file's size before its content.
 */
export function zipPack (sources: readonly PackSource[], manifest: (files: PackedFile[]) => unknown, mtime: Date): Readable {
  const zip = new ZipFile()
  const files: PackedFile[] = []
  const out = zip.outputStream as PassThrough
  for (const source of sources) {
    zip.addReadStreamLazy(source.path, { mtime }, cb => {
      const stream = Readable.from(hashed(source.chunks(), source.path, f => files.push(f)), { objectMode: false })
      stream.on('error', err => out.destroy(err))
      cb(null, stream)
    })
  }
  zip.addReadStreamLazy(MANIFEST, { mtime }, cb => {
    try {
      cb(null, Readable.from([Buffer.from(manifestText(manifest(files)))]))
    } catch (err) {
      out.destroy(err as Error)
    }
  })
  zip.on('error', (err: Error) => out.destroy(err))
  zip.end()
  return out
}
