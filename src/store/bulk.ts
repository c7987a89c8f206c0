import type { Es } from './elasticsearch.ts'

/** `doc` may be already serialised JSON: it is then sent as it is. */
export interface BulkDoc { index: string, id: string, doc: object | string }

export interface BulkItemResult { status: number, errorType?: string, reason?: string }

/** One `_bulk` of `create` operations; returns one result per document, in order. */
export async function bulkCreate (es: Es, docs: readonly BulkDoc[], refresh: boolean = false): Promise<BulkItemResult[]> {
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
