import type { SealEntry } from '../integrity/types.ts'

interface Held { entries: SealEntry[], resolve: () => void, reject: (err: Error) => void }

export interface TurnOptions {
  /** Seals entries known to be new (they go straight to the log, no look-up). */
  seal: (entries: SealEntry[]) => Promise<unknown>
  /** Puts entries on the seal queue; resolves once Redis holds them. */
  queue: (entries: SealEntry[]) => Promise<void>
  /** Most entries sealed in one round. */
  maxEntries: number
  /** How long an open turn waits for more entries when it has sealed all it held. */
  idleMs: number
  /**
   * A round waits up to gatherMs for at least minEntries: Elasticsearch and the sealer spend about half as
   * much per entry on rounds of 5,000 as on rounds of 1,000 (fewer requests, full blocks).
   */
  minEntries: number
  gatherMs: number
}

/**
 * While this process runs a seal job it is the only sealer (the seal queue runs one job at a time across all
 * processes). The entries this process stores meanwhile are sealed in that turn, straight from memory, instead
 * of each making the trip through Redis as a job of its own (packing, storing, reading back, parsing: about as
 * much CPU as sealing them). An entry held here settles once sealed, or once the queue holds it: when the turn
 * ends first, or its round failed (then marked to be looked up: its leaves may have landed).
 */
export class SealTurn {
  private open = false
  private held: Held[] = []
  /** Wakes a drain waiting for entries. */
  private arrived: (() => void) | undefined

  constructor (private readonly options: TurnOptions) {}

  get isOpen (): boolean { return this.open }

  /** Holds new entries (none to look up) for this turn; call only while it is open. */
  hold (entries: SealEntry[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.held.push({ entries, resolve, reject })
      this.arrived?.()
    })
  }

  begin (): void { this.open = true }

  /**
   * Seals what is held, round after round, until the time is up, the turn is no longer ours, or nothing came
   * for idleMs. Waiting out the gaps between bulks keeps the turn for the next ones: ended at the first gap,
   * it would send about half of a steady stream through Redis.
   */
  async drain (until: number, stillOurs: () => Promise<boolean>): Promise<void> {
    while (Date.now() < until && (this.held.length > 0 || await this.arrival(Math.min(this.options.idleMs, until - Date.now())))) {
      await this.gather(Math.min(until, Date.now() + this.options.gatherMs))
      if (!await stillOurs()) return
      const round = this.take()
      const entries = round.flatMap(h => h.entries)
      try {
        await this.options.seal(entries)
      } catch {
        // The sealer drops its view after a failure; the entries are looked up when the queue seals them.
        settle(round, this.options.queue(entries.map(e => ({ ...e, recheck: true as const }))))
        return
      }
      for (const h of round) h.resolve()
    }
  }

  /** Waits until minEntries are held, or the deadline. */
  private async gather (deadline: number): Promise<void> {
    while (this.held.reduce((n, h) => n + h.entries.length, 0) < this.options.minEntries && Date.now() < deadline) await this.arrival(deadline - Date.now())
  }

  /** Whether entries are held within `ms`. */
  private async arrival (ms: number): Promise<boolean> {
    if (ms <= 0) return false
    let timer: NodeJS.Timeout | undefined
    await new Promise<void>(resolve => {
      this.arrived = resolve
      timer = setTimeout(resolve, ms)
    })
    clearTimeout(timer)
    this.arrived = undefined
    return this.held.length > 0
  }

  /** Ends the turn; what is still held goes to the queue. Nothing is held once it returns. */
  end (): void {
    this.open = false
    const left = this.held
    this.held = []
    if (left.length > 0) settle(left, this.options.queue(left.flatMap(h => h.entries)))
  }

  private take (): Held[] {
    let count = 0
    let n = 0
    while (n < this.held.length && (n === 0 || count + (this.held[n] as Held).entries.length <= this.options.maxEntries)) count += (this.held[n++] as Held).entries.length
    return this.held.splice(0, n)
  }
}

function settle (held: readonly Held[], queued: Promise<void>): void {
  queued.then(() => { for (const h of held) h.resolve() }, (err: Error) => { for (const h of held) h.reject(err) })
}
