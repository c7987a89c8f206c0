/** Where a document is stored: partition and `_id`. */
export interface DocRef { index: string, id: string }

/**
 * Where this process stored (or found) events over the last few seconds, by tenant and event id: searches see
 * only refreshed documents, so a copy written less than a refresh interval ago is found here instead. Two
 * generations swapped every `spanMs`: an entry is kept between one and two spans, without a timer per entry.
 */
export class RecentWrites {
  private current = new Map<string, DocRef>()
  private previous = new Map<string, DocRef>()
  private swappedAt: number

  constructor (private readonly spanMs: number, private readonly now: () => number = Date.now) {
    this.swappedAt = now()
  }

  add (key: string, ref: DocRef): void {
    this.age()
    this.current.set(key, ref)
  }

  get (key: string): DocRef | undefined {
    this.age()
    return this.current.get(key) ?? this.previous.get(key)
  }

  /** Forgets a key whose document turned out not to be there (deleted since). */
  delete (key: string): void {
    this.current.delete(key)
    this.previous.delete(key)
  }

  private age (): void {
    const now = this.now()
    if (now - this.swappedAt < this.spanMs) return
    this.previous = now - this.swappedAt < 2 * this.spanMs ? this.current : new Map()
    this.current = new Map()
    this.swappedAt = now
  }
}
