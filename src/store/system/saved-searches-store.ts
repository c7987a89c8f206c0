import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'
import { isVersion, type Versioned } from './versioned-docs.ts'

export const savedIndex = (prefix: string): string => `${prefix}-system-saved-searches`

// Filters and the rest are kept whole but not indexed: only the fields used to find saved searches are.
const MAPPING = {
  dynamic: false as const,
  properties: {
    name: { type: 'keyword' as const },
    owner: { type: 'keyword' as const },
    tenant: { type: 'keyword' as const },
    shared: { type: 'boolean' as const },
    created_at: { type: 'date' as const },
    updated_at: { type: 'date' as const }
  }
}

/** The version a client holds is Elasticsearch's sequence number and primary term: updates are compare-and-set. */
const version = (seq: number | undefined, term: number | undefined): string => `${seq ?? 0}.${term ?? 0}`
const parseVersion = (v: string): { if_seq_no: number, if_primary_term: number } | undefined => {
  const [seq, term] = v.split('.')
  return isVersion(v) ? { if_seq_no: Number(seq), if_primary_term: Number(term) } : undefined
}

export class VersionConflict extends Error {}

/** Saved searches, one document each; `Stored` is the saved search as the saved-search service keeps it. */
export class SavedSearchesStore<Stored extends object> {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = savedIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas })
  }

  async create (id: string, doc: Stored): Promise<Versioned<Stored>> {
    const r = await this.es.create({ index: this.index, id, document: doc, refresh: VISIBLE_NOW })
    return { ...doc, id, version: version(r._seq_no, r._primary_term) }
  }

  async get (id: string): Promise<Versioned<Stored> | undefined> {
    const r = await this.es.get<Stored>({ index: this.index, id }, { ignore: [404] })
    return r.found && r._source !== undefined ? { ...r._source, id, version: version(r._seq_no, r._primary_term) } : undefined
  }

  async replace (id: string, doc: Stored, expected: string): Promise<Versioned<Stored>> {
    const cas = parseVersion(expected)
    if (cas === undefined) throw new VersionConflict(`version "${expected}" is not one this service issued`)
    try {
      const r = await this.es.index({ index: this.index, id, document: doc, ...cas, refresh: VISIBLE_NOW })
      return { ...doc, id, version: version(r._seq_no, r._primary_term) }
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) throw new VersionConflict('the saved search changed since this version was read')
      throw err
    }
  }

  async delete (id: string, expected?: string): Promise<void> {
    const cas = expected === undefined ? {} : parseVersion(expected)
    if (cas === undefined) throw new VersionConflict(`version "${expected}" is not one this service issued`)
    try {
      await this.es.delete({ index: this.index, id, ...cas, refresh: VISIBLE_NOW })
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) throw new VersionConflict('the saved search changed since this version was read')
      throw err
    }
  }

  /** Saved searches a caller can see: the tenant's shared ones and the caller's own. */
  async visible (tenant: string | null, owner: string): Promise<Array<Versioned<Stored>>> {
    const r = await this.es.search<Stored>({
      index: this.index,
      size: 1000,
      seq_no_primary_term: true,
      sort: [{ name: 'asc' }],
      query: { bool: {
        filter: [tenant === null ? { bool: { must_not: [{ exists: { field: 'tenant' } }] } } : { term: { tenant } }],
        should: [{ term: { shared: true } }, { term: { owner } }],
        minimum_should_match: 1
      } }
    })
    return r.hits.hits.map(h => ({ ...(h._source as Stored), id: h._id as string, version: version(h._seq_no, h._primary_term) }))
  }
}
