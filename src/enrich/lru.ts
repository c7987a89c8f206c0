/** A small least-recently-used cache on top of Map's insertion order. */
export class Lru<V> {
  private readonly map = new Map<string, V>()
  hits = 0
  misses = 0

  constructor (private readonly capacity: number) {}

  get (key: string, compute: (key: string) => V): V {
    const found = this.map.get(key)
    if (found !== undefined || this.map.has(key)) {
      this.hits++
      this.map.delete(key)
      this.map.set(key, found as V)
      return found as V
    }
    this.misses++
    const value = compute(key)
    if (this.capacity > 0) {
      if (this.map.size >= this.capacity) this.map.delete(this.map.keys().next().value as string)
      this.map.set(key, value)
    }
    return value
  }

  get size (): number { return this.map.size }
}
