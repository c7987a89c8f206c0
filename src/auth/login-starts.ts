/**
 * Sign-ins begun, counted in this process per client address and in all, over one-minute windows. A sign-in
 * begun keeps a login flow in Redis for 10 minutes, and anyone may begin one: without a bound, requests from
 * anywhere would fill the Redis that also holds the ingest queue.
 */
export class LoginStarts {
  // Every address is counted within the current window, so the map holds at most `overall` addresses.
  private readonly perAddressCount = new Map<string, number>()
  private window = { start: -Infinity, n: 0 }

  constructor (private readonly perAddress: number, private readonly overall: number, private readonly clock: { now: () => number } = Date) {}

  /** 0 when this sign-in may begin (it is counted), otherwise the seconds to wait. */
  take (address: string): number {
    const now = this.clock.now()
    if (now - this.window.start >= MINUTE) {
      this.window = { start: now, n: 0 }
      this.perAddressCount.clear()
    }
    const n = this.perAddressCount.get(address) ?? 0
    if (this.window.n >= this.overall || n >= this.perAddress) return Math.max(1, Math.ceil((this.window.start + MINUTE - now) / 1000))
    this.perAddressCount.set(address, n + 1)
    this.window.n++
    return 0
  }
}

const MINUTE = 60_000
