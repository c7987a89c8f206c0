import { createHash } from 'node:crypto'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex } from '../system-index.ts'

export const alertKeysIndex = (prefix: string): string => `${prefix}-system-alert-keys`

/** What is remembered per tenant and deduplication key (rule and group): the open alert and what it covered. */
export interface KeyState {
  open_alert_id: string | null
  /** When the last alert for this key was raised (ms). */
  last_raised_at: number | null
  /** Latest event time counted by an alert of this key, raised, merged or held back (ms). */
  covered_to: number | null
  /** A rule's own mark of what was last reported (shared devices: the number of users). */
  mark: number | null
  /** New-value rules: per value reported, the latest event time of it counted (ms). Absent in keys of older releases. */
  covered_values?: Record<string, number>
}

interface KeyDoc extends KeyState { tenant: string | null, dedup_key: string }

export interface CasKey { state: KeyState, seq: number, term: number }

/** The document id of a tenant's deduplication key: a digest, so any key text fits. */
const idOf = (tenant: string | null, key: string): string => createHash('sha256').update(`${tenant ?? ''}\n${key}`).digest('base64url')

/**
 * One small document per tenant and deduplication key, read and written by id (real time, no refresh):
 * which alert is open for the key and what the key's alerts covered. Writes are compare-and-set: two
 * processes raising for the same key cannot both open an alert.
 */
export class AlertKeysStore {
  private readonly index: string

  constructor (private readonly es: Es, prefix: string) {
    this.index = alertKeysIndex(prefix)
  }

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, this.index, { dynamic: false, properties: { tenant: { type: 'keyword' }, dedup_key: { type: 'keyword' } } }, { replicas })
  }

  async get (tenant: string | null, key: string): Promise<CasKey | undefined> {
    const r = await this.es.get<KeyDoc>({ index: this.index, id: idOf(tenant, key) }, { ignore: [404] })
    if (!r.found || r._source === undefined) return undefined
    const { tenant: _t, dedup_key: _k, ...state } = r._source
    return { state, seq: r._seq_no as number, term: r._primary_term as number }
  }

  /** The states of many keys in one round trip; keys without one are absent from the map. */
  async many (tenant: string | null, keys: readonly string[]): Promise<Map<string, KeyState>> {
    const out = new Map<string, KeyState>()
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000)
      if (batch.length === 0) continue
      const r = await this.es.mget<KeyDoc>({ index: this.index, ids: batch.map(k => idOf(tenant, k)) })
      r.docs.forEach((d, j) => {
        if ('found' in d && d.found && d._source !== undefined) {
          const { tenant: _t, dedup_key: _k, ...state } = d._source
          out.set(batch[j] as string, state)
        }
      })
    }
    return out
  }

  /** Writes the state if the key is still as read (`read` undefined: if it has none yet); false on a race. */
  async put (tenant: string | null, key: string, state: KeyState, read: CasKey | undefined): Promise<boolean> {
    try {
      await this.es.index({
        index: this.index, id: idOf(tenant, key), document: { ...state, tenant, dedup_key: key },
        ...(read === undefined ? { op_type: 'create' as const } : { if_seq_no: read.seq, if_primary_term: read.term })
      })
      return true
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return false
      throw err
    }
  }
}
