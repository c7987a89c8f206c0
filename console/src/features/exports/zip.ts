/**
 * One file of a zip archive held in memory, found through the central directory at the archive's end and
 * inflated by the browser (DecompressionStream): enough to read the manifest of an evidence pack the console
 * has just received, without a zip library. Zip64 archives (over 4 GiB) are not read here.
 */

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

export class ZipError extends Error {}

function endOfCentralDirectory (view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65,535.
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD) return at
  }
  throw new ZipError('not a zip archive')
}

async function inflate (data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate-raw'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** The content of `name`, or undefined when the archive has no such file. */
export async function zipEntry (bytes: ArrayBuffer, name: string): Promise<Uint8Array | undefined> {
  const view = new DataView(bytes)
  const end = endOfCentralDirectory(view)
  const entries = view.getUint16(end + 10, true)
  let at = view.getUint32(end + 16, true)
  if (entries === 0xffff || at === 0xffffffff) throw new ZipError('a zip64 archive: read it with an unzip tool')
  const decoder = new TextDecoder()
  for (let i = 0; i < entries; i++) {
    if (view.getUint32(at, true) !== CENTRAL) throw new ZipError('damaged central directory')
    const method = view.getUint16(at + 10, true)
    const size = view.getUint32(at + 20, true)
    const nameLength = view.getUint16(at + 28, true)
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true)
    if (decoder.decode(new Uint8Array(bytes, at + 46, nameLength)) === name) {
      const local = view.getUint32(at + 42, true)
      if (view.getUint32(local, true) !== LOCAL) throw new ZipError('damaged local header')
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
      const data = new Uint8Array(bytes, start, size)
      if (method === 0) return data
      if (method === 8) return await inflate(data)
      throw new ZipError(`compression method ${method} is not read here`)
    }
    at = next
  }
  return undefined
}
