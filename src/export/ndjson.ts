type TextPages = AsyncIterable<readonly string[]>

/**
 * One event as exported: its stored document, serialised as JSON with nothing added or reordered, and a line
 * feed. The NDJSON export is these lines in export order, and the integrity hash of a report is their SHA-256.
 */
export function eventLine (doc: Record<string, unknown>): string {
  return JSON.stringify(doc) + '\n'
}

/** Pages of documents as JSON text: for documents that were parsed (masked, or read for a report). */
export async function * serialised (pages: AsyncIterable<ReadonlyArray<Record<string, unknown>>>): AsyncGenerator<string[]> {
  for await (const page of pages) yield page.map(doc => JSON.stringify(doc))
}

/** NDJSON (one document per line), one chunk per page. */
export async function * ndjsonChunks (pages: TextPages): AsyncGenerator<string> {
  for await (const page of pages) if (page.length > 0) yield page.join('\n') + '\n'
}

/** One JSON array of the documents, written as it is read: `[`, one document per line, `]`. */
export async function * jsonArrayChunks (pages: TextPages): AsyncGenerator<string> {
  let first = true
  yield '['
  for await (const page of pages) {
    if (page.length === 0) continue
    yield (first ? '\n' : ',\n') + page.join(',\n')
    first = false
  }
  yield first ? ']\n' : '\n]\n'
}
