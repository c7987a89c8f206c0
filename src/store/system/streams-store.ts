import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'
import { FRESH_POSITION, type StoredPosition, type StoredStream } from './stream-records.ts'

export const streamsIndex = (prefix: string): string => `${prefix}-system-streams`
export const streamPositionsIndex = (prefix: string): string => `${prefix}-system-stream-positions`

// Definitions are kept whole; only what finds them is indexed. Positions are kept whole, unindexed.
const DEFINITIONS = { dynamic: false as const, properties: { tenant: { type: 'keyword' as const }, name: { type: 'keyword' as const }, enabled: { type: 'boolean' as const }, createdAt: { type: 'date' as const } } }
const POSITIONS = { dynamic: false as const, properties: {} }

export class StreamVersionConflict extends Error {}

export interface VersionedStream { id: string, doc: StoredStream, version: string }

const versionOf = (seq: number | undefined, term: number | undefined): string => `${seq ?? 0}.${term ?? 0}`
function cas (version: string): { if_seq_no: number, if_primary_term: number } {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(version)
  if (m === null) throw new StreamVersionConflict(`version "${version.slice(0, 40)}" is not one this service issued`)
  return { if_seq_no: Number(m[1]), if_primary_term: Number(m[2]) }
}
const is409 = (err: unknown): boolean => (err as { meta?: { statusCode?: number } }).meta?.statusCode === 409

/** Log stream definitions (compare-and-set on Elasticsearch's sequence numbers) and their delivery positions. */
export class StreamsStore {
  private readonly index: string
  private readonly positions: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = streamsIndex(prefix)
    this.positions = streamPositionsIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, DEFINITIONS, { replicas })
    await ensureIndex(this.es, this.positions, POSITIONS, { replicas })
  }

  /** The position first, so a stream is never seen without one. */
  async create (id: string, doc: StoredStream, position: StoredPosition): Promise<VersionedStream> {
    await this.savePosition(id, position)
    const r = await this.es.create({ index: this.index, id, document: doc, refresh: VISIBLE_NOW })
    return { id, doc, version: versionOf(r._seq_no, r._primary_term) }
  }

  async get (id: string): Promise<VersionedStream | undefined> {
    const r = await this.es.get<StoredStream>({ index: this.index, id }, { ignore: [404] })
    return r.found && r._source !== undefined ? { id, doc: r._source, version: versionOf(r._seq_no, r._primary_term) } : undefined
  }

  async replace (id: string, doc: StoredStream, version: string): Promise<VersionedStream> {
    try {
      const r = await this.es.index({ index: this.index, id, document: doc, ...cas(version), refresh: VISIBLE_NOW })
      return { id, doc, version: versionOf(r._seq_no, r._primary_term) }
    } catch (err) {
      if (is409(err)) throw new StreamVersionConflict('the stream changed since this version was read')
      throw err
    }
  }

  async delete (id: string, version?: string): Promise<void> {
    try {
      await this.es.delete({ index: this.index, id, ...(version === undefined ? {} : cas(version)), refresh: VISIBLE_NOW })
    } catch (err) {
      if (is409(err)) throw new StreamVersionConflict('the stream changed since this version was read')
      throw err
    }
    await this.es.delete({ index: this.positions, id }, { ignore: [404] })
  }

  /** A tenant's streams, or every stream (null); at most 10,000. */
  async list (tenant: string | null): Promise<VersionedStream[]> {
    // Workers read before any API has made the index: no index, no streams.
    const r = await this.es.search<StoredStream>({
      index: this.index, ignore_unavailable: true, allow_no_indices: true, size: 10_000, seq_no_primary_term: true, sort: [{ createdAt: { order: 'asc', unmapped_type: 'date' } }],
      query: tenant === null ? { match_all: {} } : { term: { tenant } }
    })
    return r.hits.hits.map(h => ({ id: h._id as string, doc: h._source as StoredStream, version: versionOf(h._seq_no, h._primary_term) }))
  }

  async position (id: string): Promise<StoredPosition> {
    return (await this.versionedPosition(id)).position
  }

  /** The position and its version (null: none stored yet), for a compare-and-set save. */
  async versionedPosition (id: string): Promise<{ position: StoredPosition, version: string | null }> {
    const r = await this.es.get<StoredPosition>({ index: this.positions, id }, { ignore: [404] })
    return r.found && r._source !== undefined ? { position: r._source, version: versionOf(r._seq_no, r._primary_term) } : { position: FRESH_POSITION, version: null }
  }

  async positionsOf (ids: readonly string[]): Promise<Map<string, StoredPosition>> {
    if (ids.length === 0) return new Map()
    const r = await this.es.mget<StoredPosition>({ index: this.positions, ids: [...ids] })
    return new Map(r.docs.flatMap(d => 'found' in d && d.found && d._source !== undefined ? [[d._id, d._source] as const] : []))
  }

  async savePosition (id: string, position: StoredPosition): Promise<void> {
    await this.es.index({ index: this.positions, id, document: position })
  }

  /** Saves the position only if it is still the version read (null: none stored); the new version, or undefined if it was moved meanwhile. */
  async savePositionIf (id: string, position: StoredPosition, expected: string | null): Promise<string | undefined> {
    try {
      const r = await this.es.index({ index: this.positions, id, document: position, ...(expected === null ? { op_type: 'create' as const } : cas(expected)) })
      return versionOf(r._seq_no, r._primary_term)
    } catch (err) {
      if (is409(err)) return undefined
      throw err
    }
  }
}
