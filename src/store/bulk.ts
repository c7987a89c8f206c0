import type { Es } from './elasticsearch.ts'

/** `doc` may be already serialised JSON: it is then sent as it is. */
export interface BulkDoc { index: string, id: string, doc: object | string }

export interface BulkItemResult { status: number, errorType?: string, reason?: string }

/**
 * Most serialised documents in one `_bulk`: Elasticsearch refuses a request over http.max_content_length
 * (100 MB by default) as a whole, and the worker gathers several jobs, each up to the request body limit.
 */
export const MAX_BULK_BYTES = 32 * 1024 * 1024

/** Splits documents into runs of at most `maxBytes` of serialised documents (a larger document alone); objects count as small. */
export function bulkRuns (docs: readonly BulkDoc[], maxBytes = MAX_BULK_BYTES): BulkDoc[][] {
  const runs: BulkDoc[][] = []
  let run: BulkDoc[] = []
  let bytes = 0
  for (const d of docs) {
    const size = typeof d.doc === 'string' ? d.doc.length : 0
    if (run.length > 0 && bytes + size > maxBytes) { runs.push(run); run = []; bytes = 0 }
    run.push(d)
    bytes += size
  }
  if (run.length > 0) runs.push(run)
  return runs
}

/** `create` operations, in `_bulk` requests of at most MAX_BULK_BYTES; returns one result per document, in order. */
export async function bulkCreate (es: Es, docs: readonly BulkDoc[], refresh: boolean = false): Promise<BulkItemResult[]> {
  const results: BulkItemResult[] = []
  for (const run of bulkRuns(docs)) results.push(...await bulkRun(es, run, refresh))
  return results
}

async function bulkRun (es: Es, docs: readonly BulkDoc[], refresh: boolean): Promise<BulkItemResult[]> {
  const operations: Array<object | string> = []
  for (const d of docs) operations.push({ create: { _index: d.index, _id: d.id } }, d.doc)
  // Only status and error are read: a full response is ~200 bytes per item to send, parse and collect.
  // The client sends string items as they are (its typings only list objects).
  const response = await es.bulk({ operations: operations as object[], refresh, filter_path: ['errors', 'items.*.status', 'items.*.error.type', 'items.*.error.reason'] })
  return response.items.map(item => {
    const op = item.create ?? Object.values(item)[0]
    if (op === undefined) return { status: 500, errorType: 'missing_item', reason: 'bulk response had no item' }
    const error = op.error
    return error === undefined || error === null
      ? { status: op.status }
      : { status: op.status, errorType: error.type, reason: error.reason ?? error.type }
  })
}
