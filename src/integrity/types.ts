/** An event now stored in Elasticsearch, to be appended to its tenant's log. */
export interface SealEntry {
  tenant: string
  /** Event id, unique within the tenant (the document `_id` is `<tenant>/<id>`, or the id alone if stored by an earlier version). */
  id: string
  /** The partition index holding the document. */
  index: string
  /** Leaf hash (hex) of the stored document's canonical form. */
  leaf: string
  /** The event may be in the log already (it was stored before this attempt): the sealer looks before appending. */
  recheck?: true
}

/** What one seal did: entries appended to their logs, and entries found there already (looked up, not appended again). */
export interface SealResult { sealed: number, skipped: number }

/** One leaf of a tenant's log (stored in blocks of consecutive leaves in `<prefix>-integrity-blocks`). */
export interface LeafRecord {
  tenant: string
  seq: number
  eventId: string
  eventIndex: string
  leaf: string
  sealedAt: string
}

/** Consecutive leaves of one tenant's log: entry i is seq start + i. */
export interface LeafRun {
  tenant: string
  start: number
  entries: SealEntry[]
}
