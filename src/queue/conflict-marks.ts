import type { Redis } from 'ioredis'

/** How long ingest remembers a clash: long enough for any client retry. */
const TTL_SECONDS = 7 * 24 * 3600

/** A tenant's event id (`<tenant>/<event id>`) and the fingerprint of the event stored under it. */
export interface ConflictMark { key: string, fingerprint: string }

/**
 * Event ids that were sent again with other content than what is stored (the worker dead-lettered it), with
 * the fingerprint of what is stored. Ingest reads them in one round trip per request to refuse the same
 * clash at once when the client sends it again; a key per clash, kept a week.
 */
export class ConflictMarks {
  constructor (private readonly redis: Redis, private readonly prefix: string) {}

  // `id-clash`: the marks under `id-conflict` held fingerprints of another form (the time inside the digest).
  private keyOf (key: string): string {
    return `${this.prefix}:id-clash:${key}`
  }

  async add (marks: readonly ConflictMark[]): Promise<void> {
    if (marks.length === 0) return
    const multi = this.redis.multi()
    for (const m of marks) multi.set(this.keyOf(m.key), m.fingerprint, 'EX', TTL_SECONDS)
    const results = await multi.exec()
    const failed = results?.find(([err]) => err !== null)
    if (results === null || failed !== undefined) throw new Error(`conflict marks not stored: ${failed?.[0]?.message ?? 'transaction aborted'}`)
  }

  /** The stored fingerprint for each key; null where no clash is known. */
  async find (keys: readonly string[]): Promise<Array<string | null>> {
    if (keys.length === 0) return []
    return await this.redis.mget(...keys.map(k => this.keyOf(k)))
  }
}
