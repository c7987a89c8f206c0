/**
 * A set of day numbers (days since the epoch) as a bitmap: a user active every day for three years takes 137
 * bytes. Bit 0 is a day that is a multiple of 8, so that the same set always has the same bytes and encoding.
 */
export class DaySet {
  /** Day of bit 0, a multiple of 8. */
  private base = 0
  private bits = new Uint8Array(0)

  add (day: number): void {
    const start = alignDown(day)
    this.cover(start, start + 8)
    const i = day - this.base
    this.bits[i >> 3] = (this.bits[i >> 3] as number) | (1 << (i & 7))
  }

  addAll (other: DaySet): void {
    if (other.bits.length === 0) return
    this.cover(other.base, other.end())
    const offset = (other.base - this.base) / 8
    other.bits.forEach((b, i) => { this.bits[offset + i] = (this.bits[offset + i] as number) | b })
  }

  get size (): number {
    let n = 0
    for (let b of this.bits) for (; b !== 0; b &= b - 1) n++
    return n
  }

  * days (): Generator<number> {
    for (let i = 0; i < this.bits.length * 8; i++) if (((this.bits[i >> 3] as number) & (1 << (i & 7))) !== 0) yield this.base + i
  }

  /** `<first day / 8, base 36>:<bytes, base64url>`; '' when empty. */
  encode (): string {
    return this.bits.length === 0 ? '' : `${(this.base / 8).toString(36)}:${Buffer.from(this.bits).toString('base64url')}`
  }

  static decode (text: string): DaySet {
    const set = new DaySet()
    const colon = text.indexOf(':')
    if (colon < 0) return set
    set.base = parseInt(text.slice(0, colon), 36) * 8
    set.bits = new Uint8Array(Buffer.from(text.slice(colon + 1), 'base64url'))
    return set
  }

  private end (): number {
    return this.base + this.bits.length * 8
  }

  /** Grows the bitmap to hold days `from` to `to` (both multiples of 8, `to` excluded). */
  private cover (from: number, to: number): void {
    if (this.bits.length === 0) {
      this.base = from
      this.bits = new Uint8Array((to - from) / 8)
      return
    }
    const base = Math.min(this.base, from)
    const end = Math.max(this.end(), to)
    if (base === this.base && end === this.end()) return
    const bits = new Uint8Array((end - base) / 8)
    bits.set(this.bits, (this.base - base) / 8)
    this.base = base
    this.bits = bits
  }
}

const alignDown = (day: number): number => Math.floor(day / 8) * 8
