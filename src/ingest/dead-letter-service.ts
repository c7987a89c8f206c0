import type { DeadLetterStore, LetterRef, StoredLetter } from '../store/system/dead-letters.ts'
import type { DurableAck } from '../queue/durable-ack.ts'
import { receivedAgain, type EventsQueue, type QueuedEvent } from '../queue/events-queue.ts'
import { ConflictError, NotFoundError, UnavailableError } from '../errors.ts'
import { olderThanRetention, type RetentionClass } from '../events/retention-classes.ts'
import { decodeSortCursor, encodeSortCursor } from '../store/sort-cursor.ts'

/** A dead letter as the API shows it; the refused event itself (`raw`) comes with a single letter only. */
export interface LetterView {
  id: string
  event_id: string
  tenant: string
  target_index: string
  status: number
  error_type: string
  reason: string
  refused_at: string
  replayed_at: string | null
  replayed_by: string | null
  replays: number
}

export type LetterState = 'pending' | 'replayed' | 'all'
export interface Actor { keyId: string, tenant: string | null }
export interface ReplayResult { queued: Array<{ id: string, event_id: string, tenant: string }>, skipped: Array<{ id: string, reason: string }> }

const REPLAY_MAX = 1000

/**
 * Dead letters for administrators: listed (pending ones by default), read whole, and replayed once the cause
 * is fixed (a mapping put right, a block lifted). A replay queues the very event that was refused, as ingest
 * would have; the worker's create-once write under `<tenant>/<event id>` makes a second replay, or a replay
 * of an event stored meanwhile, a duplicate that is not stored again. Refused again, the letter is pending
 * again with the new reason. Tenant administrators see and replay their tenant's letters only.
 */
export class DeadLetterService {
  /**
   * As ingest: `durable`, a replay is answered once its job is on the queue's disk (SILLAGE_DURABLE_ACK); `admit`,
   * a replay is refused (429) while the queue is past its bounds; `retentionDays`, an event older than its class's
   * retention is not replayed (ingest refuses it, and its partition may be gone: a replay would make it again).
   */
  constructor (
    private readonly store: DeadLetterStore,
    private readonly queue: EventsQueue,
    private readonly options: { durable?: Pick<DurableAck, 'ready' | 'confirm'>, admit?: (queued: readonly QueuedEvent[]) => Promise<void>, retentionDays?: Record<RetentionClass, number>, now?: () => number } = {}
  ) {}

  async list (actor: Actor, q: { tenant?: string, errorType?: string, eventId?: string, state?: LetterState, size?: number, cursor?: string }): Promise<{ total: number, letters: LetterView[], cursor?: string }> {
    const page = await this.store.list({
      tenant: actor.tenant ?? q.tenant ?? null,
      state: q.state ?? 'pending',
      size: q.size ?? 100,
      ...(q.errorType === undefined ? {} : { errorType: q.errorType }),
      ...(q.eventId === undefined ? {} : { eventId: q.eventId }),
      ...(q.cursor === undefined ? {} : { after: decodeSortCursor(q.cursor, { min: 2, max: 3 }) })
    })
    const letters = page.letters.map(view)
    return { total: page.total, letters, ...(page.next === undefined ? {} : { cursor: encodeSortCursor(page.next) }) }
  }

  async get (actor: Actor, id: string): Promise<LetterView & { raw: Record<string, unknown> }> {
    const ref = await this.store.get(id, actor.tenant)
    if (ref === undefined) throw new NotFoundError(`no dead letter ${id}`)
    return { ...view(ref), raw: ref.letter.raw as unknown as Record<string, unknown> }
  }

  /** One letter: 404 if unknown to the caller, 409 if it can never be stored by a replay. */
  async replayOne (actor: Actor, id: string): Promise<ReplayResult> {
    const ref = await this.store.get(id, actor.tenant)
    if (ref === undefined) throw new NotFoundError(`no dead letter ${id}`)
    const problem = this.unreplayable(ref.letter)
    if (problem !== undefined) throw new ConflictError(problem)
    return await this.replay(actor, [ref])
  }

  /** Several letters by id, or every pending letter matching a filter (up to 1,000 per call). */
  async replayMany (actor: Actor, q: { ids?: string[], tenant?: string, errorType?: string, eventId?: string, limit?: number }): Promise<ReplayResult> {
    const refs: LetterRef[] = []
    const skipped: ReplayResult['skipped'] = []
    if (q.ids !== undefined) {
      const found = await this.store.getMany([...new Set(q.ids)], actor.tenant)
      for (const id of new Set(q.ids)) {
        const ref = found.get(id)
        if (ref === undefined) skipped.push({ id, reason: 'no such dead letter' })
        else refs.push(ref)
      }
    } else {
      const page = await this.store.list({
        tenant: actor.tenant ?? q.tenant ?? null, state: 'pending', size: Math.min(REPLAY_MAX, q.limit ?? REPLAY_MAX),
        ...(q.errorType === undefined ? {} : { errorType: q.errorType }), ...(q.eventId === undefined ? {} : { eventId: q.eventId })
      })
      refs.push(...page.letters)
    }
    const replayable = refs.filter(r => {
      const problem = this.unreplayable(r.letter)
      if (problem !== undefined) skipped.push({ id: idOf(r), reason: problem })
      return problem === undefined
    })
    const result = await this.replay(actor, replayable)
    return { queued: result.queued, skipped: [...skipped, ...result.skipped] }
  }

  private unreplayable (letter: StoredLetter): string | undefined {
    if (letter.error_type === 'id_conflict') return `event id "${letter.event_id}" is stored with other content: a replay would be refused again; send the event under a new id`
    // Letters of earlier versions may lack the class: those are not held back.
    const cls = letter.raw.audit?.retention as RetentionClass | undefined
    const days = cls === undefined ? undefined : this.options.retentionDays?.[cls]
    if (days !== undefined && olderThanRetention(Date.parse(letter.raw['@timestamp']), days, (this.options.now ?? Date.now)())) return `event "${letter.event_id}" is older than the ${days}-day retention of ${cls} events: it would be deleted, not stored`
    return undefined
  }

  private async replay (actor: Actor, refs: LetterRef[]): Promise<ReplayResult> {
    if (refs.length === 0) return { queued: [], skipped: [] }
    // Two letters of one id (other contents) may share the job: the worker settles a repeated id one after the other.
    const now = new Date()
    const events: QueuedEvent[] = refs.map(r => ({ id: r.letter.event_id, index: r.letter.target_index, tenant: r.letter.tenant, json: receivedAgain(r.letter.raw as unknown as Record<string, unknown>, now) }))
    await this.options.admit?.(events)
    const durable = this.options.durable
    try {
      await durable?.ready()
      await this.queue.add('index', { events })
      await durable?.confirm()
    } catch (err) {
      // Not marked: the letters stay pending, and replaying them again stores nothing twice.
      throw new UnavailableError(`the ingest queue did not take the replay (${(err as Error).message}); the letters stay pending: replay them again`)
    }
    // Marked after queueing (on disk where durable acknowledgement is on): if the worker refuses the event again first, the letter changed and stays pending.
    await this.store.markReplayed(refs, actor.keyId, now)
    return { queued: refs.map(r => ({ id: idOf(r), event_id: r.letter.event_id, tenant: r.letter.tenant })), skipped: [] }
  }
}


const idOf = (r: LetterRef): string => r.letter.letter_id ?? r.docId

function view (r: LetterRef): LetterView {
  const l = r.letter
  return {
    id: idOf(r),
    event_id: l.event_id,
    tenant: l.tenant,
    target_index: l.target_index,
    status: l.status,
    error_type: l.error_type,
    reason: l.reason,
    refused_at: l['@timestamp'],
    replayed_at: l.replayed_at ?? null,
    replayed_by: l.replayed_by ?? null,
    replays: l.replays ?? 0
  }
}

