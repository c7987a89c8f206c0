import { randomUUID } from 'node:crypto'
import type { estypes } from '@elastic/elasticsearch'
import type { Principal } from '../auth/api-keys.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { compileChecker } from '../validation/checker.ts'
import type { FieldError } from '../errors.ts'
import { buildQuery } from '../query/build-query.ts'
import { StreamVersionConflict, type StreamsStore, type VersionedStream } from '../store/system/streams-store.ts'
import type { StoredSecrets } from '../store/system/stored-secrets.ts'
import { destinationProblems, keepSecrets, publicDestination, sealedDestination } from './destination.ts'
import type { ReceiverRules } from '../validation/receiver-address.ts'
import { FRESH_POSITION, MAX_STREAMS_PER_TENANT, StreamInput, type StoredPosition, type StoredStream, type Stream, type StreamDestination } from './schema.ts'
import { publicState } from './delivery-state.ts'

const checkInput = compileChecker(StreamInput)

export interface StreamOptions { receivers: ReceiverRules, batchMax: number }

/** The query a stream's events are selected by: its filters and KQL, confined to its tenant. */
export function streamQuery (s: Pick<StoredStream, 'tenant' | 'filters' | 'query' | 'timeZone'>, errors: FieldError[] = []): estypes.QueryDslQueryContainer {
  return buildQuery({ ...(s.filters === undefined ? {} : { filters: s.filters }), ...(s.query === undefined ? {} : { query: s.query }), ...(s.timeZone === undefined ? {} : { timeZone: s.timeZone }) }, { tenant: s.tenant, masked: false }, errors)
}

/**
 * Log streams of a tenant's events to an outside receiver. Administrators of a tenant manage its streams;
 * platform administrators manage any tenant's and must name it. Changes are compare-and-set on the version.
 */
export class StreamService {
  constructor (private readonly store: StreamsStore, private readonly options: StreamOptions, private readonly secrets: StoredSecrets, private readonly clock: { now: () => number } = Date) {}

  async create (input: unknown, who: Principal): Promise<Stream> {
    const valid = this.validate(input)
    const tenant = this.tenantFor(valid.tenant, who)
    if ((await this.store.list(tenant)).length >= MAX_STREAMS_PER_TENANT) throw new ConflictError(`tenant ${tenant} already has ${MAX_STREAMS_PER_TENANT} streams, the most it may have`)
    const now = this.clock.now()
    const position = this.startAt(valid.from ?? 'now', now)
    const id = randomUUID()
    const doc = this.docOf(valid, tenant, new Date(now).toISOString(), who.keyId)
    doc.destination = sealedDestination(doc.destination, id, this.secrets)
    return this.view(await this.store.create(id, doc, position), position)
  }

  async list (who: Principal): Promise<Stream[]> {
    const streams = await this.store.list(who.tenant)
    const positions = await this.store.positionsOf(streams.map(s => s.id))
    return streams.map(s => this.view(s, positions.get(s.id) ?? FRESH_POSITION))
  }

  async get (id: string, who: Principal): Promise<Stream> {
    const s = await this.visible(id, who)
    return this.view(s, await this.store.position(id))
  }

  /**
   * The tenant of stream `id`, read before a change to it so that a refused change (a stale version, an invalid
   * body) is attributed too; undefined when there is no such stream. A tenant's key can only touch its own.
   */
  async tenantOf (id: string, who: Principal): Promise<string | undefined> {
    return who.tenant ?? (isStreamId(id) ? (await this.store.get(id))?.doc.tenant : undefined)
  }

  async update (id: string, input: unknown, version: string, who: Principal): Promise<Stream> {
    const current = await this.visible(id, who)
    const valid = this.validate(input, current.doc)
    if (valid.tenant !== undefined && valid.tenant !== current.doc.tenant) throw new ValidationError([{ index: 0, path: '/tenant', message: 'a stream stays with its tenant: create another one' }], 'invalid stream')
    if (valid.from !== undefined) throw new ValidationError([{ index: 0, path: '/from', message: 'is for creation only: move a stream with POST /v1/streams/{id}/position' }], 'invalid stream')
    const doc = { ...this.docOf(valid, current.doc.tenant, new Date(this.clock.now()).toISOString(), current.doc.createdBy), createdAt: current.doc.createdAt }
    doc.destination = keepSecrets(sealedDestination(doc.destination, id, this.secrets), current.doc.destination)
    const saved = await this.guard(async () => await this.store.replace(id, doc, version))
    return this.view(saved, await this.store.position(id))
  }

  async delete (id: string, version: string | undefined, who: Principal): Promise<void> {
    await this.visible(id, who)
    await this.guard(async () => { await this.store.delete(id, version) })
  }

  /** Moves where delivery resumes: back to deliver again (after a replay of failed jobs), or ahead to skip. */
  async move (id: string, from: string, who: Principal): Promise<Stream> {
    const s = await this.visible(id, who)
    const position = this.startAt(from, this.clock.now(), '/from')
    await this.store.savePosition(id, position)
    return this.view(s, position)
  }

  private async guard<T> (work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      if (err instanceof StreamVersionConflict) throw new ConflictError(`${err.message}; read it again and reapply your change`)
      throw err
    }
  }

  private async visible (id: string, who: Principal): Promise<VersionedStream> {
    const s = isStreamId(id) ? await this.store.get(id) : undefined
    if (s === undefined || (who.tenant !== null && s.doc.tenant !== who.tenant)) throw new NotFoundError(`no stream ${id}`)
    return s
  }

  private tenantFor (asked: string | undefined, who: Principal): string {
    if (who.tenant !== null) {
      if (asked !== undefined && asked !== who.tenant) throw new ValidationError([{ index: 0, path: '/tenant', message: `this key manages tenant "${who.tenant}" only` }], 'invalid stream')
      return who.tenant
    }
    if (asked === undefined) throw new ValidationError([{ index: 0, path: '/tenant', message: 'is required with a platform key: a stream carries one tenant\'s events' }], 'invalid stream')
    return asked
  }

  /**
   * `current`, for a change: the service's limits (receivers allowed, largest batch), which the operator may have
   * tightened since the stream was saved, apply to what the change sets anew, so that a stream can always be paused
   * or renamed. Delivery checks each receiver's address as it connects whatever was saved.
   */
  private validate (input: unknown, current?: StoredStream): StreamInput {
    const errors = checkInput(input, 0)
    if (errors.length > 0) throw new ValidationError(errors, 'invalid stream')
    const valid = input as StreamInput
    const sameReceiver = current !== undefined && sameAddress(valid.destination, current.destination)
    errors.push(...destinationProblems(valid.destination, this.options.receivers).filter(e => !sameReceiver || e.path === '/destination/ca'))
    if (valid.filters?.period !== undefined) errors.push({ index: 0, path: '/filters/period', message: 'a stream follows new events as they come: it takes no period' })
    streamQuery({ tenant: 'check', ...valid }, errors)
    if (valid.batchSize !== undefined && valid.batchSize > this.options.batchMax && valid.batchSize !== current?.batchSize) errors.push({ index: 0, path: '/batchSize', message: `must be at most ${this.options.batchMax} on this service` })
    if (errors.length > 0) throw new ValidationError(errors, 'invalid stream')
    return valid
  }

  private docOf (valid: StreamInput, tenant: string, now: string, by: string): StoredStream {
    return {
      name: valid.name, tenant, destination: valid.destination,
      ...(valid.filters === undefined ? {} : { filters: valid.filters }),
      ...(valid.query === undefined ? {} : { query: valid.query }),
      ...(valid.timeZone === undefined ? {} : { timeZone: valid.timeZone }),
      batchSize: valid.batchSize ?? this.options.batchMax, enabled: valid.enabled ?? true, createdAt: now, updatedAt: now, createdBy: by
    }
  }

  /** `now`, `beginning` or an ISO time: delivery resumes with the events ingested from then on. */
  private startAt (from: string, now: number, path = '/from'): StoredPosition {
    const at = from === 'now' ? now : from === 'beginning' ? 0 : /^\d{4}-\d{2}-\d{2}T/.test(from) ? Date.parse(from) : NaN
    if (!Number.isFinite(at) || at > now) throw new ValidationError([{ index: 0, path, message: 'must be now, beginning, or an ISO time not in the future' }], 'invalid stream')
    // Ids are never empty: every event ingested at `at` or later sorts after this position.
    return { ...FRESH_POSITION, after: [at, ''] }
  }

  private view (s: VersionedStream, position: StoredPosition): Stream {
    const d = s.doc
    return {
      id: s.id, name: d.name, tenant: d.tenant, destination: publicDestination(d.destination),
      ...(d.filters === undefined ? {} : { filters: d.filters }),
      ...(d.query === undefined ? {} : { query: d.query }),
      ...(d.timeZone === undefined ? {} : { timeZone: d.timeZone }),
      batchSize: d.batchSize, enabled: d.enabled, createdAt: d.createdAt, updatedAt: d.updatedAt, createdBy: d.createdBy,
      version: s.version, state: publicState(position, this.clock.now())
    }
  }
}

/** The same receiver: type, address and transport, whatever the token or certificates. */
function sameAddress (a: StreamDestination, b: StreamDestination): boolean {
  if (a.type === 'http') return b.type === 'http' && a.url === b.url
  return b.type === 'syslog' && a.host === b.host && a.port === b.port && (a.tls !== false) === (b.tls !== false)
}

const isStreamId = (id: string): boolean => /^[0-9a-f-]{36}$/.test(id)
