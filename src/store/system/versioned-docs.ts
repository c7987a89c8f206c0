import type { estypes } from '@elastic/elasticsearch'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'

/** Thrown when a compare-and-set write finds the document changed since the version given. */
export class StaleVersion extends Error {}

/** A version as clients see it: Elasticsearch's sequence number and primary term (`3.1`). */
export const versionOf = (seq: number | undefined, term: number | undefined): string => `${seq ?? 0}.${term ?? 0}`

/**
 * A version as this service issues it: Elasticsearch's sequence number and primary term (`3.1`), both within
 * the integers JSON numbers hold exactly, the term at least 1.
 */
export function isVersion (text: string): boolean {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(text)
  return m !== null && Number.isSafeInteger(Number(m[1])) && Number.isSafeInteger(Number(m[2])) && Number(m[2]) >= 1
}

function casOf (version: string): { if_seq_no: number, if_primary_term: number } | undefined {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(version)
  if (m === null) return undefined
  const seq = Number(m[1])
  const term = Number(m[2])
  return Number.isSafeInteger(seq) && Number.isSafeInteger(term) && term >= 1 ? { if_seq_no: seq, if_primary_term: term } : undefined
}

const isConflict = (err: unknown): boolean => (err as { meta?: { statusCode?: number } }).meta?.statusCode === 409

export type Versioned<T> = T & { id: string, version: string }

/**
 * Documents of one tenant-confined system index (watch rules, webhooks) with compare-and-set updates: the
 * version a client holds is the document's sequence number and primary term.
 */
export class VersionedDocs<T extends { tenant: string | null }> {
  constructor (private readonly es: Es, readonly index: string, private readonly mappings: estypes.MappingTypeMapping) {}

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, this.mappings, { replicas })
  }

  async create (id: string, doc: T): Promise<Versioned<T>> {
    const r = await this.es.create({ index: this.index, id, document: doc, refresh: VISIBLE_NOW })
    return { ...doc, id, version: versionOf(r._seq_no, r._primary_term) }
  }

  async get (id: string): Promise<Versioned<T> | undefined> {
    const r = await this.es.get<T>({ index: this.index, id }, { ignore: [404] })
    return r.found && r._source !== undefined ? { ...r._source, id, version: versionOf(r._seq_no, r._primary_term) } : undefined
  }

  async replace (id: string, doc: T, expected: string): Promise<Versioned<T>> {
    const cas = casOf(expected)
    if (cas === undefined) throw new StaleVersion(`version "${expected}" is not one this service issued`)
    try {
      const r = await this.es.index({ index: this.index, id, document: doc, ...cas, refresh: VISIBLE_NOW })
      return { ...doc, id, version: versionOf(r._seq_no, r._primary_term) }
    } catch (err) {
      if (isConflict(err)) throw new StaleVersion('it changed since this version was read')
      throw err
    }
  }

  async delete (id: string, expected?: string): Promise<void> {
    const cas = expected === undefined ? {} : casOf(expected)
    if (cas === undefined) throw new StaleVersion(`version "${expected}" is not one this service issued`)
    try {
      await this.es.delete({ index: this.index, id, ...cas, refresh: VISIBLE_NOW }, { ignore: [404] })
    } catch (err) {
      if (isConflict(err)) throw new StaleVersion('it changed since this version was read')
      throw err
    }
  }

  /** A tenant's documents (null: the platform's own), sorted by a keyword field; at most 1,000. */
  async list (tenant: string | null, sortField: string, extra: estypes.QueryDslQueryContainer[] = []): Promise<Array<Versioned<T>>> {
    const r = await this.es.search<T>({
      index: this.index, size: 1000, seq_no_primary_term: true, sort: [{ [sortField]: 'asc' }],
      query: { bool: { filter: [tenantFilter(tenant), ...extra] } }
    })
    return r.hits.hits.map(h => ({ ...(h._source as T), id: h._id as string, version: versionOf(h._seq_no, h._primary_term) }))
  }

  /** Every document whatever its tenant (the worker's reconciliation), at most 10,000. */
  async all (extra: estypes.QueryDslQueryContainer[] = []): Promise<Array<Versioned<T>>> {
    const r = await this.es.search<T>({ index: this.index, size: 10_000, seq_no_primary_term: true, query: { bool: { filter: extra } } })
    return r.hits.hits.map(h => ({ ...(h._source as T), id: h._id as string, version: versionOf(h._seq_no, h._primary_term) }))
  }
}

/** Documents of exactly this tenant; null means the platform's own (documents without a tenant). */
export const tenantFilter = (tenant: string | null): estypes.QueryDslQueryContainer =>
  tenant === null ? { bool: { must_not: [{ exists: { field: 'tenant' } }] } } : { term: { tenant } }
