import type { Collector, Signal } from '../analytics/signals/common.ts'

export type AnySignal = Signal<Record<string, unknown>>

/** When a finding happened: its latest event (a burst's last failure). */
export function lastTimeOf (s: AnySignal): number {
  const to = s.figure.to
  return typeof to === 'string' ? Date.parse(to) : Math.max(...s.evidence.map(e => Date.parse(e['@timestamp'])))
}

interface KeyFindings { best: AnySignal, score: number, count: number, last: number }

/**
 * A rule run's findings of one signal: per key, the strongest one the rule has not reported yet, with how many
 * new ones the key had and when the latest of them ended. One finding kept per key, so that a run reading a
 * bounded number of keys never drops a key's finding for want of room (a list of the strongest would).
 */
export class NewFindings implements Collector<AnySignal> {
  found = 0
  private readonly keys = new Map<string, KeyFindings>()

  constructor (private readonly isNew: (s: AnySignal, last: number) => boolean) {}

  add (s: AnySignal, score: number): void {
    const last = lastTimeOf(s)
    if (!this.isNew(s, last)) return
    this.found++
    const k = this.keys.get(s.key)
    if (k === undefined) {
      this.keys.set(s.key, { best: s, score, count: 1, last })
      return
    }
    k.count++
    k.last = Math.max(k.last, last)
    if (score > k.score) Object.assign(k, { best: s, score })
  }

  list (): AnySignal[] {
    return [...this.keys.values()].map(k => k.best)
  }

  /** How many new findings the key had, and the latest end among them. */
  of (key: string): { count: number, last: number } | undefined {
    return this.keys.get(key)
  }
}
