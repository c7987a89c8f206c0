import { readFileSync } from 'node:fs'
import type { estypes } from '@elastic/elasticsearch'
import { fileURLToPath } from 'node:url'
import type { Es } from '../elasticsearch.ts'
import { ensureIndex } from '../system-index.ts'
import type { ImportanceRule } from '../../events/importance-rules.ts'

export const rulesIndex = (prefix: string): string => `${prefix}-system-rules`
const DOC_ID = 'importance'
const MAPPING = JSON.parse(readFileSync(fileURLToPath(new URL('../../../mappings/rules-mappings.json', import.meta.url)), 'utf8')) as estypes.MappingTypeMapping

export interface StoredRules {
  version: number
  updated_at: string
  updated_by: string | null
  rules: ImportanceRule[]
}

/** The importance rule table in its system index: one document, changed only from the version it was read at. */
export class RulesStore {
  constructor (private readonly es: Es, private readonly prefix: string) {}

  async install (replicas: number): Promise<void> {
    await ensureIndex(this.es, rulesIndex(this.prefix), MAPPING, { replicas, hidden: false })
  }

  async read (): Promise<{ doc: StoredRules, seqNo: number, primaryTerm: number } | undefined> {
    const r = await this.es.get<StoredRules>({ index: rulesIndex(this.prefix), id: DOC_ID }, { ignore: [404] })
    if (!r.found || r._source === undefined) return undefined
    return { doc: r._source, seqNo: r._seq_no as number, primaryTerm: r._primary_term as number }
  }

  /**
   * Writes the next version if the stored one is still `expected` (0: none stored yet); 'conflict' otherwise.
   * The write itself is conditional (sequence number, or create-only), so two racing writers cannot both win.
   */
  async replace (expected: number, rules: ImportanceRule[], by: string | null, now: Date): Promise<StoredRules | 'conflict'> {
    const current = await this.read()
    if ((current?.doc.version ?? 0) !== expected) return 'conflict'
    const doc: StoredRules = { version: expected + 1, updated_at: now.toISOString(), updated_by: by, rules }
    try {
      await this.es.index({
        index: rulesIndex(this.prefix), id: DOC_ID, document: doc,
        ...(current === undefined ? { op_type: 'create' as const } : { if_seq_no: current.seqNo, if_primary_term: current.primaryTerm })
      })
    } catch (err) {
      if ((err as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return 'conflict'
      throw err
    }
    return doc
  }
}
