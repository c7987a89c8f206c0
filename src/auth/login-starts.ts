/**
 * Sign-ins begun, counted in this process per client address and in all, each over a minute. A sign-in begun
 * keeps a login flow in Redis for 10 minutes, and anyone may begin one: without a bound, requests from anywhere
 * would fill the Redis that also holds the ingest queue.
 */
export class LoginStarts {
  private readonly windows = new Map<string, { start: number, n: number }>()
  private total = { start: -Infinity, n: 0 }

  constructor (private readonly perAddress: number, private readonly overall: number, private readonly clock: { now: () => number } = Date) {}

  /** 0 when this sign-in may begin (it is counted), otherwise the seconds to wait. */
  take (address: string): number {
    const now = this.clock.now()
    if (now - this.total.start >= MINUTE) {
      this.total = { start: now, n: 0 }
      this.windows.clear() // every address's window has ended with the overall one, or will be counted afresh
    }
    const wait = (start: number): number => Math.max(1, Math.ceil((start + MINUTE - now) / 1000))
    if (this.total.n >= this.overall) return wait(this.total.start)
    const w = this.windows.get(address)
    if (w !== undefined && w.n >= this.perAddress) return wait(w.start)
    if (w === undefined) this.windows.set(address, { start: this.total.start, n: 1 })
    else w.n++
    this.total.n++
    return 0
  }
}

const MINUTE = 60_000
