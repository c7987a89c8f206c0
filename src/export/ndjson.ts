/** Pages of documents already serialised: JSON text, or the bytes the store returned. */
type TextPages = AsyncIterable<ReadonlyArray<string | Buffer>>

/**
 * One event as exported: its stored document, serialised as JSON with nothing added or reordered, and a line
 * feed. The NDJSON export is these lines in export order, and the integrity hash of a report is their SHA-256.
 */
export function eventLine (doc: Record<string, unknown>): string {
  return JSON.stringify(doc) + '\n'
}

/** Pages of documents as JSON text: for documents that were parsed (masked, or read for a report). */
export async function * serialised (pages: AsyncIterable<Iterable<Record<string, unknown>>>): AsyncGenerator<string[]> {
  for await (const page of pages) {
    const texts: string[] = []
    for (const doc of page) texts.push(JSON.stringify(doc))
    yield texts
  }
}

const NEWLINE = Buffer.from('\n')
const COMMA_NEWLINE = Buffer.from(',\n')

/** The documents of a page joined by `separator` (and ending with `end`), as one buffer. */
function joined (page: ReadonlyArray<string | Buffer>, separator: Buffer, end: Buffer | undefined, start?: Buffer): Buffer {
  const parts: Buffer[] = start === undefined ? [] : [start]
  page.forEach((doc, i) => {
    if (i > 0) parts.push(separator)
    parts.push(typeof doc === 'string' ? Buffer.from(doc) : doc)
  })
  if (end !== undefined) parts.push(end)
  return Buffer.concat(parts)
}

/** NDJSON (one document per line), one chunk per page. */
export async function * ndjsonChunks (pages: TextPages): AsyncGenerator<Buffer> {
  for await (const page of pages) if (page.length > 0) yield joined(page, NEWLINE, NEWLINE)
}

/** One JSON array of the documents, written as it is read: `[`, one document per line, `]`. */
export async function * jsonArrayChunks (pages: TextPages): AsyncGenerator<Buffer | string> {
  let first = true
  yield '['
  for await (const page of pages) {
    if (page.length === 0) continue
    yield joined(page, COMMA_NEWLINE, undefined, first ? NEWLINE : COMMA_NEWLINE)
    first = false
  }
  yield first ? ']\n' : '\n]\n'
}
