import { randomUUID } from 'node:crypto'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex } from '../system-index.ts'
import { backfillField } from './backfill.ts'
import type { SortValues } from '../sort-cursor.ts'

/** One read of the audit trail: who, what, with which filters, how many results. */
export interface AccessRecord {
  '@timestamp': string
  /** The record's document id, which orders records of one millisecond for paging (absent on records of earlier versions). */
  id?: string
  key_id: string
  /** Display name of the person, for reads made in a single sign-on session (key_id is then `person:…`). */
  person?: string
  tenant: string | null
  /** The tenants whose objects a platform key's change touched (a key, a stream, dead letters): the record is in their logs too. */
  target_tenants?: string[]
  /** The change made, for routes that change something (alert.status_changed, watch_rule.created…). */
  action?: string
  method: string
  route: string
  url: string
  params?: Record<string, unknown>
  /** The request body (filters, KQL…), cut to 8 KB. */
  request?: string
  status: number
  results?: number
  took_ms: number
}

const MAPPING = {
  dynamic: 'strict' as const,
  properties: {
    '@timestamp': { type: 'date' as const },
    id: { type: 'keyword' as const },
    key_id: { type: 'keyword' as const },
    person: { type: 'keyword' as const, ignore_above: 256 },
    tenant: { type: 'keyword' as const },
    target_tenants: { type: 'keyword' as const },
    action: { type: 'keyword' as const },
    method: { type: 'keyword' as const },
    route: { type: 'keyword' as const },
    url: { type: 'keyword' as const, ignore_above: 2048 },
    params: { type: 'flattened' as const },
    request: { type: 'text' as const, index: false },
    status: { type: 'short' as const },
    results: { type: 'long' as const },
    took_ms: { type: 'float' as const }
  }
}

export const accessIndex = (prefix: string): string => `${prefix}-access`

/**
 * Gives records written before they had an `id` their document id, which pages need to order records of one
 * millisecond (records without one sort last, and a page ending among them would skip the rest). Runs after each
 * API start and in each maintenance run; once done, it finds nothing to do. Returns how many it gave an id.
 */
export async function backfillAccessIds (es: Es, prefix: string): Promise<number> {
  return await backfillField(es, accessIndex(prefix), 'id', h => h._id as string)
}

/**
 * The access log, its own index. Records are buffered and written in bulk every second (or every 500), so
 * auditing a read costs the read nothing; close() flushes what waits. Each record gets its id when it is made:
 * a bulk sent again (after a timeout, or by the client's own retry) finds the records it already wrote (409)
 * instead of writing them twice.
 */
export class AccessLog {
  private buffer: Array<{ id: string, doc: AccessRecord }> = []
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private readonly index: string

  constructor (private readonly es: Es, prefix: string, private readonly onError: (err: Error) => void) {
    this.index = accessIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas, hidden: false })
    // Fields added since the index was made (person, id, target_tenants) join its strict mapping; adding fields is always allowed.
    await this.es.indices.putMapping({ index: this.index, properties: MAPPING.properties })
  }

  record (r: AccessRecord): void {
    const id = randomUUID()
    this.buffer.push({ id, doc: { ...r, id } })
    if (this.buffer.length >= 500) void this.flush()
    else this.timer ??= setTimeout(() => { void this.flush() }, 1000)
  }

  async flush (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.buffer
    this.buffer = []
    if (batch.length === 0) return await this.flushing
    this.flushing = this.flushing.then(async () => {
      try {
        const r = await this.es.bulk({ operations: batch.flatMap(({ id, doc }) => [{ create: { _index: this.index, _id: id } }, doc]) })
        if (r.errors) {
          // Refused for a moment (a lost node's shard not yet taken over by its replica, a full queue): kept
          // for the next flush like a failed request; only a record the index rejects outright is lost. A 409 is
          // a record an earlier attempt wrote.
          const statuses = r.items.map(item => item.create?.error === undefined ? 201 : item.create.status)
          const later = batch.filter((_, i) => { const s = statuses[i] ?? 0; return s === 429 || s >= 500 })
          const lost = statuses.filter(s => s >= 400 && s !== 409 && s !== 429 && s < 500).length
          this.buffer.unshift(...later.slice(0, Math.max(0, 10_000 - this.buffer.length)))
          if (this.buffer.length > 0) this.timer ??= setTimeout(() => { void this.flush() }, 1000)
          if (later.length + lost > 0) this.onError(new Error(`access records refused: ${later.length} kept for the next flush, ${lost} lost`))
        }
      } catch (err) {
        // Kept for the next flush: losing the record of a read is not an option while the store is away briefly.
        this.buffer.unshift(...batch.slice(0, Math.max(0, 10_000 - this.buffer.length)))
        this.onError(err as Error)
      }
    })
    await this.flushing
  }

  /**
   * Newest first, a page at a time: `after` is the `next` of the page before (absent after the last page).
   * `changes`: only the records of changes (those with an action); `action`: only that action.
   */
  async search (q: { tenant: string | null, from?: string, to?: string, keyId?: string, changes?: boolean, action?: string, size: number, after?: SortValues }): Promise<{ entries: AccessRecord[], next?: SortValues }> {
    await this.flush()
    await this.es.indices.refresh({ index: this.index })
    const filter = [
      // A tenant's log holds its own keys' records and the platform's changes to its objects.
      ...(q.tenant === null ? [] : [{ bool: { should: [{ term: { tenant: q.tenant } }, { term: { target_tenants: q.tenant } }], minimum_should_match: 1 } }]),
      ...(q.keyId === undefined ? [] : [{ term: { key_id: q.keyId } }]),
      ...(q.changes === true ? [{ exists: { field: 'action' } }] : []),
      ...(q.action === undefined ? [] : [{ term: { action: q.action } }]),
      ...(q.from === undefined && q.to === undefined ? [] : [{ range: { '@timestamp': { ...(q.from === undefined ? {} : { gte: q.from }), ...(q.to === undefined ? {} : { lte: q.to }) } } }])
    ]
    const r = await this.es.search<AccessRecord>({
      index: this.index, size: q.size, query: { bool: { filter } },
      sort: [{ '@timestamp': 'desc' }, { id: { order: 'desc', missing: '_last' } }], ...(q.after === undefined ? {} : { search_after: q.after })
    })
    const hits = r.hits.hits
    const last = hits.length === q.size ? hits[hits.length - 1]?.sort : undefined
    return { entries: hits.map(h => h._source as AccessRecord), ...(last === undefined ? {} : { next: last as SortValues }) }
  }
}
