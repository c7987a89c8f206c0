import { createHash } from 'node:crypto'
import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import type { StoredEvent } from '../../events/schema.ts'
import { bulkCreate } from '../bulk.ts'
import { searchPage } from '../search-pages.ts'
import { eventDocId } from '../events/event-doc-id.ts'
import { canonicalize } from '../../integrity/canonical.ts'
import { backfillField } from './backfill.ts'
import { VISIBLE_NOW } from '../system-index.ts'
import type { SortValues } from '../sort-cursor.ts'
import type { StoredCopy } from '../events/event-copies.ts'

/** The one index of dead letters (events Elasticsearch refused), beside the event partitions. */
export const deadLetterIndex = (prefix: string): string => `${prefix}-deadletter`

/**
 * A refused event, kept whole with the reason; `stored` is the other event already stored under its id. The
 * event is as the events queue carried it: its id, tenant, target partition and canonical JSON.
 */
export interface DeadLetter {
  event: { id: string, tenant: string, index: string, json: string }
  status: number
  errorType: string
  reason: string
  stored?: StoredCopy
}

/** A dead letter as stored: the refused event whole (`raw`), why, and what replays were made of it. */
export interface StoredLetter {
  '@timestamp': string
  /** 16 hex digits of the event's SHA-256: the letter's id in the API (absent on letters of earlier versions). */
  letter_id?: string
  event_id: string
  tenant: string
  target_index: string
  status: number
  error_type: string
  reason: string
  raw: StoredEvent
  replayed_at?: string | null
  replayed_by?: string | null
  replays?: number
}

export interface LetterRef { docId: string, seqNo: number, primaryTerm: number, letter: StoredLetter }

/**
 * Stores refused events whole, with the reason. One dead letter per tenant, event id and content: the same
 * refusal met again (a retried job) is already stored (409, counted as stored); a letter that was replayed and
 * refused again is reopened with the new reason; another content is kept too. Returns the letters that are
 * pending because of this call (new, or reopened), which metrics count: a retried job's are not counted again.
 */
export async function writeDeadLetters (es: Es, prefix: string, letters: DeadLetter[], now: () => number = Date.now): Promise<DeadLetter[]> {
  const index = deadLetterIndex(prefix)
  const at = new Date(now()).toISOString()
  const docs = letters.map(l => {
    const raw = JSON.parse(l.event.json) as StoredEvent
    const content = contentId(l.event.json)
    const refusal = { target_index: l.event.index, status: l.status, error_type: l.errorType, reason: l.reason }
    const doc: StoredLetter = { '@timestamp': at, letter_id: content, event_id: l.event.id, tenant: raw.audit.tenant, ...refusal, raw }
    return { index, id: `${eventDocId(raw.audit.tenant, l.event.id)}#${content}`, doc, refusal, letter: l }
  })
  const results = await bulkCreate(es, docs)
  const failed = results.filter(r => r.status !== 409 && (r.status < 200 || r.status >= 300))
  if (failed.length > 0) throw new Error(`${failed.length} dead letters not stored: ${failed[0]?.reason ?? failed[0]?.status}`)
  const created = docs.filter((_, i) => results[i]?.status !== 409)
  const again = docs.filter((_, i) => results[i]?.status === 409)
  if (again.length === 0) return created.map(d => d.letter)
  // Already there: the same refusal (a retried job) or a replay refused again (open once more); either way it
  // is pending, with the time and reason of this refusal.
  const before = await es.mget<StoredLetter>({ index, ids: again.map(d => d.id), _source_includes: ['replayed_at'] })
  const reopened = again.filter((_, i) => { const d = before.docs[i]; return d !== undefined && 'found' in d && d.found && d._source?.replayed_at != null })
  const operations = again.flatMap(d => [{ update: { _index: index, _id: d.id } }, { doc: { '@timestamp': at, ...d.refusal, replayed_at: null } }])
  const r = await es.bulk({ operations, filter_path: ['errors', 'items.*.error.reason'] })
  if (r.errors) throw new Error(`dead letters not reopened: ${JSON.stringify(r.items[0])}`)
  return [...created, ...reopened].map(d => d.letter)
}

const sha16 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

/**
 * A letter's id in the API: 16 hex digits of the SHA-256 of the queued event's canonical JSON without its
 * `event.ingested`, which a replay stamps anew, so that a replay refused again reopens its letter.
 */
function contentId (json: string): string {
  const doc = JSON.parse(json) as { event?: { ingested?: unknown } }
  if (doc.event !== null && typeof doc.event === 'object') delete doc.event.ingested
  return sha16(canonicalize(doc))
}

/**
 * Gives letters written before `letter_id` existed their id (the suffix of `<tenant>/<event id>#<content>`
 * document ids, or the hash of the event for the oldest, whose `_id` is the event id), so the API finds every
 * letter by it. Runs at each start; once done, it finds nothing to do.
 */
export async function backfillLetterIds (es: Es, prefix: string): Promise<number> {
  return await backfillField<StoredLetter>(es, deadLetterIndex(prefix), 'letter_id', h => {
    const id = h._id as string
    return id.includes('#') ? id.slice(id.lastIndexOf('#') + 1) : sha16(canonicalize(h._source?.raw))
  }, ['raw'])
}

export interface LetterQuery {
  /** Confines to one tenant; null for every tenant (platform administrators). */
  tenant: string | null
  errorType?: string
  eventId?: string
  state: 'pending' | 'replayed' | 'all'
  size: number
  /** Sort values of the last letter of the previous page. */
  after?: SortValues
}

/** Reads and marks dead letters; tenants see only their own. */
export class DeadLetterStore {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = deadLetterIndex(prefix)
  }

  /** Newest refusals first; `next` continues after the last one. */
  async list (q: LetterQuery): Promise<{ total: number, letters: LetterRef[], next?: SortValues }> {
    const filter: estypes.QueryDslQueryContainer[] = []
    if (q.tenant !== null) filter.push({ term: { tenant: q.tenant } })
    if (q.errorType !== undefined) filter.push({ term: { error_type: q.errorType } })
    if (q.eventId !== undefined) filter.push({ term: { event_id: q.eventId } })
    const replayed: estypes.QueryDslQueryContainer = { exists: { field: 'replayed_at' } }
    const { hits, response: r, next } = await searchPage<StoredLetter>(this.es, {
      index: this.index,
      size: q.size,
      seq_no_primary_term: true,
      track_total_hits: true,
      query: { bool: { filter, ...(q.state === 'pending' ? { must_not: [replayed] } : q.state === 'replayed' ? { must: [replayed] } : {}) } },
      sort: [{ '@timestamp': 'desc' }, { event_id: 'asc' }, { letter_id: { order: 'asc', missing: '_last' } }]
    }, q.after === undefined ? {} : { after: q.after })
    const total = typeof r.hits.total === 'number' ? r.hits.total : r.hits.total?.value ?? 0
    return { total, letters: hits.map(refOf), ...(next === undefined ? {} : { next: next as SortValues }) }
  }

  /** One letter by its API id (letters of earlier versions: by their document id); undefined if not the tenant's. */
  async get (id: string, tenant: string | null): Promise<LetterRef | undefined> {
    return (await this.getMany([id], tenant)).get(id)
  }

  /** Letters by API id (or, for letters of earlier versions, document id), of one tenant when it is given: one search. */
  async getMany (ids: readonly string[], tenant: string | null): Promise<Map<string, LetterRef>> {
    const r = await this.es.search<StoredLetter>({
      index: this.index,
      // An id may name one letter by its letter id and another by its document id (letters of earlier versions).
      size: 2 * ids.length,
      seq_no_primary_term: true,
      query: { bool: { filter: tenant === null ? [] : [{ term: { tenant } }], should: [{ terms: { letter_id: [...ids] } }, { ids: { values: [...ids] } }], minimum_should_match: 1 } }
    })
    const wanted = new Set(ids)
    const found = new Map<string, LetterRef>()
    for (const ref of r.hits.hits.map(refOf)) {
      // By letter id first, as `get` has always preferred it.
      if (ref.letter.letter_id !== undefined && wanted.has(ref.letter.letter_id)) found.set(ref.letter.letter_id, ref)
      else if (wanted.has(ref.docId) && !found.has(ref.docId)) found.set(ref.docId, ref)
    }
    return found
  }

  /**
   * Records a replay of each letter, in one request made visible once: a letter that changed since it was read
   * (refused again meanwhile: compare-and-set) keeps its new state.
   */
  async markReplayed (refs: readonly LetterRef[], by: string, at: Date): Promise<void> {
    if (refs.length === 0) return
    const r = await this.es.bulk({
      refresh: VISIBLE_NOW,
      operations: refs.flatMap(ref => [
        { update: { _index: this.index, _id: ref.docId, if_seq_no: ref.seqNo, if_primary_term: ref.primaryTerm } },
        { doc: { replayed_at: at.toISOString(), replayed_by: by, replays: (ref.letter.replays ?? 0) + 1 } }
      ])
    })
    const other = r.items.map(i => i.update).find(u => u?.error !== undefined && u.status !== 409)
    if (other !== undefined) throw new Error(`dead letters not marked replayed: ${other.error?.type ?? ''} ${other.error?.reason ?? ''}`)
  }
}

function refOf (hit: estypes.SearchHit<StoredLetter>): LetterRef {
  return { docId: hit._id as string, seqNo: hit._seq_no ?? 0, primaryTerm: hit._primary_term ?? 0, letter: hit._source as StoredLetter }
}
