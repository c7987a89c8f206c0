import type { StoredEvent } from '../events/schema.ts'
import { checkShape } from '../events/validate.ts'
import type { FieldError } from '../errors.ts'
import { normalizeEvent, type NormalizeContext } from '../events/normalize.ts'
import { enrichEvent, type Enrichers } from '../enrich/enrich-event.ts'
import type { EventInput } from '../events/schema.ts'
import { queueDepth, type EventsQueue } from '../queue/events-queue.ts'
import { partitionIndex } from '../store/events/index-names.ts'
import { canonicalize } from '../integrity/canonical.ts'
import { pseudonymiseEvent, type PseudonymField } from '../events/pseudonymise.ts'
import { BackpressureError, ConflictError, ForbiddenError, UnavailableError, ValidationError } from '../errors.ts'
import { splitBody } from './parse-batch.ts'
import { eventDocId } from '../store/events/event-doc-id.ts'
import { clientFingerprint, sameFingerprint } from '../events/same-event.ts'
import type { ConflictMarks } from '../queue/conflict-marks.ts'
import type { DurableAck } from '../queue/durable-ack.ts'

export interface IngestOptions {
  indexPrefix: string
  maxBatch: number
  queueMaxJobs: number
  /** Refuse (429) once the queue's Redis uses `maxPercent` of its maxmemory; absent: not checked. */
  memory?: { read: () => Promise<{ used: number, max: number }>, maxPercent: number }
  /** Fields replaced by a keyed hash before anything is queued. */
  pseudonymise?: { fields: readonly PseudonymField[], key: Buffer }
  /** How long a measured queue depth is trusted, so a burst of requests costs one Redis round trip. */
  depthCacheMs?: number
  /** The importance rules in force now; when absent, the fixed table of the enrich context. */
  rules?: () => NormalizeContext['rules']
  /** Event ids known to be stored with other content than a send the worker refused; absent: not checked. */
  conflicts?: Pick<ConflictMarks, 'find'>
  /** Durable acknowledgement: 202 only once the job is on the queue's disk (see DurableAck); absent: once Redis holds it. */
  durable?: Pick<DurableAck, 'ready' | 'confirm'>
}

export type EnrichContext = Omit<NormalizeContext, 'now'> & Enrichers

export interface Clock { now: () => number }

/** What Redis holds per queued event beyond its JSON (job fields, escaping): about 150 bytes (docs/benchmarks.md). */
const JOB_BYTES_PER_EVENT = 150

/** Validates, enriches and queues events; answers only once the queue holds them. */
export class IngestService {
  /**
   * The last reading of the queue's depth and its Redis's memory, and the bytes of jobs let through since: a
   * reading is kept for a moment, and concurrent requests checked against it alone could carry Redis well past
   * the bound, leaving the worker no room to start.
   */
  private depth: { value: number, at: number, memory?: { used: number, max: number } | undefined, since: number } = { value: 0, at: -Infinity, since: 0 }
  private reading: Promise<void> | undefined

  constructor (
    private readonly queue: EventsQueue,
    private readonly enrich: EnrichContext,
    private readonly options: IngestOptions,
    private readonly clock: Clock = Date
  ) {}

  /** Pure part: every event checked and enriched, or every problem listed. */
  /**
   * A tenant-bound writer (`writerTenant`) records events for its own tenant only: events without a tenant
   * get it, events naming another are refused (403). Platform writers (null) may name any tenant.
   */
  prepare (body: unknown, writerTenant: string | null = null): StoredEvent[] {
    const split = splitBody(body, this.options.maxBatch)
    if ('errors' in split) throw new ValidationError(split.errors)
    const ctx: NormalizeContext = { ...this.enrich, ...(this.options.rules === undefined ? {} : { rules: this.options.rules() }), now: this.clock.now(), ...(writerTenant === null ? {} : { defaultTenant: writerTenant }) }
    const foreign: FieldError[] = []
    const errors: FieldError[] = []
    const events: StoredEvent[] = []
    const firstIndexOf = new Map<string, number>()
    split.items.forEach((item, index) => {
      const shape = checkShape(item, index)
      if (shape.length > 0) { errors.push(...shape); return }
      const tenant = (item as EventInput).audit?.tenant
      if (writerTenant !== null && tenant !== undefined && tenant !== writerTenant) {
        foreign.push({ index, path: '/audit/tenant', message: `this API key records events for tenant "${writerTenant}" only` })
        return
      }
      const result = normalizeEvent(item as EventInput, index, ctx, enrichEvent(item as EventInput, this.enrich))
      if ('errors' in result) { errors.push(...result.errors); return }
      // Ids are per tenant: a platform writer may send two tenants' events that share one.
      const docId = eventDocId(result.event.audit.tenant, result.event.event.id)
      const first = firstIndexOf.get(docId)
      if (first !== undefined) errors.push({ index, path: '/event/id', message: `repeats the id of event ${first} in the same request` })
      else firstIndexOf.set(docId, index)
      const pseudo = this.options.pseudonymise
      if (pseudo !== undefined) pseudonymiseEvent(result.event, pseudo.fields, pseudo.key)
      events.push(result.event)
    })
    if (errors.length > 0) throw new ValidationError(errors)
    if (foreign.length > 0) throw new ForbiddenError('events for another tenant; nothing was accepted', foreign)
    return events
  }

  async ingest (body: unknown, writerTenant: string | null = null): Promise<{ ids: string[] }> {
    // A queue already past its bounds refuses before any work on the body: under overload, the retries it
    // brings cost next to nothing. The check with the request's own size follows.
    await this.admit([])
    const events = this.prepare(body, writerTenant)
    const prefix = this.options.indexPrefix
    const queued = events.map(e => ({ id: e.event.id, index: partitionIndex(prefix, e.audit.retention, e['@timestamp']), tenant: e.audit.tenant, json: canonicalize(e) }))
    await this.admit(queued)
    await this.checkConflicts(events)
    const durable = this.options.durable
    try {
      await durable?.ready()
    } catch (err) {
      throw new UnavailableError(`the ingest queue cannot keep events on disk now (${(err as Error).message}); nothing was accepted`)
    }
    try {
      await this.queue.add('index', { events: queued })
    } catch (err) {
      throw new UnavailableError(queueRefusal(err as Error))
    }
    try {
      await durable?.confirm()
    } catch (err) {
      throw new UnavailableError(`the events were queued but not confirmed on disk (${(err as Error).message}); send the same request again: events with your own ids are never stored twice`)
    }
    return { ids: events.map(e => e.event.id) }
  }

  /**
   * Refuses (409) events whose id the worker already found stored with other content, when they bring other
   * content again: the first such send is only found out by the worker (it is dead-lettered), a send after
   * that is refused here. The same content as stored is a retry and goes through.
   */
  private async checkConflicts (events: readonly StoredEvent[]): Promise<void> {
    const marks = this.options.conflicts
    if (marks === undefined) return
    let stored: Array<string | null>
    try {
      stored = await marks.find(events.map(e => eventDocId(e.audit.tenant, e.event.id)))
    } catch (err) {
      throw new UnavailableError(`the ingest queue is unavailable (${(err as Error).message}); nothing was accepted`)
    }
    const errors: FieldError[] = []
    events.forEach((e, index) => {
      const fingerprint = stored[index]
      if (fingerprint !== null && fingerprint !== undefined && !sameFingerprint(fingerprint, clientFingerprint(e))) {
        errors.push({ index, path: '/event/id', message: `event id "${e.event.id}" is already stored with different content; read it with GET /v1/events/${e.event.id}, and send a new event under a new id` })
      }
    })
    if (errors.length > 0) throw new ConflictError('events whose ids are already stored with different content; nothing was accepted', errors)
  }

  private async read (now: number): Promise<void> {
    try {
      const [value, memory] = await Promise.all([queueDepth(this.queue), this.options.memory?.read()])
      this.depth = { value, at: now, memory, since: 0 }
    } catch (err) {
      throw new UnavailableError(`the ingest queue is unavailable (${(err as Error).message}); nothing was accepted`)
    }
  }

  /**
   * Refuses (429, BackpressureError) a job of these events while the queue is past its bounds: ingest, and
   * dead-letter replays. About what the job will take in Redis is counted against the bound until the next reading.
   */
  async admit (queued: ReadonlyArray<{ json: string }>): Promise<void> {
    const bytes = queued.reduce((n, q) => n + q.json.length + JOB_BYTES_PER_EVENT, 0)
    const now = this.clock.now()
    const bound = this.options.memory
    if (now - this.depth.at >= (this.options.depthCacheMs ?? 250)) {
      // One reading at a time: requests checked meanwhile share it, then count what each lets through.
      this.reading ??= this.read(now).finally(() => { this.reading = undefined })
      await this.reading
    }
    if (this.depth.value >= this.options.queueMaxJobs) {
      throw new BackpressureError(Math.min(60, Math.max(1, Math.ceil(this.depth.value / this.options.queueMaxJobs * 5))), this.depth.value)
    }
    const memory = this.depth.memory
    // Redis refuses writes at maxmemory (noeviction), the worker's too: stop short of it so the queue can drain.
    if (bound !== undefined && memory !== undefined && memory.max > 0) {
      if (memory.used + this.depth.since >= memory.max * bound.maxPercent / 100) {
        const used = Math.round((memory.used + this.depth.since) / memory.max * 100)
        throw new BackpressureError(5, this.depth.value, `the ingest queue's Redis is ${used} % full (bound ${bound.maxPercent} % of maxmemory); retry after 5 s`)
      }
      this.depth.since += bytes
    }
  }

}

/**
 * What the client is told when the add fails. A connection lost mid-add may have queued the job before the
 * reply was lost, so "nothing was accepted" would not be sure: resending the same ids is always safe.
 */
function queueRefusal (err: Error): string {
  if (err.message.startsWith('OOM')) return 'the ingest queue is full (its Redis reached maxmemory); nothing was accepted'
  return `the ingest queue is unavailable (${err.message}); the events may not have been accepted: send the same request again (events with your own ids are never stored twice)`
}
