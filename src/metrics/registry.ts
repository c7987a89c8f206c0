import { collectDefaultMetrics, Registry } from 'prom-client'

/** A process's own registry (never prom-client's global one), with Node's process and event-loop series. */
export function createRegistry (): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return registry
}

/**
 * A label value from an open set (Elasticsearch's error types, stream ids), kept to a bounded number of
 * distinct values: past `max` of them, new ones are counted as `other`.
 */
export class CappedLabel {
  private readonly seen = new Set<string>()

  constructor (private readonly max: number) {}

  of (value: string): string {
    if (this.seen.has(value)) return value
    if (this.seen.size >= this.max) return 'other'
    this.seen.add(value)
    return value
  }
}
