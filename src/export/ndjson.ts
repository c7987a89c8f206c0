type Pages = AsyncIterable<ReadonlyArray<Record<string, unknown>>>

/**
 * One event as exported: its stored document, serialised as JSON with nothing added or reordered, and a line
 * feed. The NDJSON export is these lines in export order, and the integrity hash of a report is their SHA-256.
 */
export function eventLine (doc: Record<string, unknown>): string {
  return JSON.stringify(doc) + '\n'
}

/** NDJSON (one document per line), one chunk per page. */
export async function * ndjsonChunks (pages: Pages): AsyncGenerator<string> {
  for await (const page of pages) {
    let chunk = ''
    for (const doc of page) chunk += eventLine(doc)
    yield chunk
  }
}

/** One JSON array of the documents, written as it is read: `[`, one document per line, `]`. */
export async function * jsonArrayChunks (pages: Pages): AsyncGenerator<string> {
  let first = true
  yield '['
  for await (const page of pages) {
    let chunk = ''
    for (const doc of page) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify(doc)
      first = false
    }
    yield chunk
  }
  yield first ? ']\n' : '\n]\n'
}
