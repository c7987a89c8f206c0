import type { Es } from '../elasticsearch.ts'
import { ensureIndex, VISIBLE_NOW } from '../system-index.ts'

/** A managed API key as stored: never the key itself, only its SHA-256. `Scope`: the scopes auth grants. */
export interface KeyRecord<Scope extends string> {
  key_id: string
  name: string
  hash: string
  scopes: Scope[]
  tenant: string | null
  created_at: string
  created_by: string
  revoked_at: string | null
  replaced_by: string | null
}

const MAPPING = {
  dynamic: 'strict' as const,
  properties: {
    key_id: { type: 'keyword' as const },
    name: { type: 'keyword' as const },
    hash: { type: 'keyword' as const, index: false, doc_values: false },
    scopes: { type: 'keyword' as const },
    tenant: { type: 'keyword' as const },
    created_at: { type: 'date' as const },
    created_by: { type: 'keyword' as const },
    revoked_at: { type: 'date' as const },
    replaced_by: { type: 'keyword' as const }
  }
}

export const keysIndex = (prefix: string): string => `${prefix}-system-keys`

/** Managed keys live in a system index of their own, created with its mapping at start-up. */
export class KeysStore<Scope extends string> {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = keysIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, MAPPING, { replicas })
  }

  async create (record: KeyRecord<Scope>): Promise<void> {
    await this.es.create({ index: this.index, id: record.key_id, document: record, refresh: VISIBLE_NOW })
  }

  async get (id: string): Promise<KeyRecord<Scope> | undefined> {
    const r = await this.es.get<KeyRecord<Scope>>({ index: this.index, id }, { ignore: [404] })
    return r.found ? r._source : undefined
  }

  async list (tenant: string | null): Promise<Array<KeyRecord<Scope>>> {
    const r = await this.es.search<KeyRecord<Scope>>({
      index: this.index,
      size: 10_000,
      sort: [{ created_at: 'asc' }],
      query: tenant === null ? { match_all: {} } : { term: { tenant } }
    })
    return r.hits.hits.map(h => h._source as KeyRecord<Scope>)
  }

  /**
   * Revokes the key if it is not revoked yet, compare-and-set: false when it already was, or when another
   * revocation or rotation got there first (its time and successor are kept).
   */
  async revoke (id: string, at: string, replacedBy: string | null = null): Promise<boolean> {
    const r = await this.es.get<KeyRecord<Scope>>({ index: this.index, id }, { ignore: [404] })
    if (!r.found || r._source === undefined || r._source.revoked_at !== null) return false
    try {
      await this.es.update({ index: this.index, id, doc: { revoked_at: at, replaced_by: replacedBy }, if_seq_no: r._seq_no as number, if_primary_term: r._primary_term as number, refresh: VISIBLE_NOW })
      return true
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return false
      throw err
    }
  }
}
