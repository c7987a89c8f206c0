import type { RuleMetric } from './rule-schema.ts'

/** One event of a group, in time order, as a threshold rule sees it. */
export interface WindowEvent {
  id: string
  time: number
  user?: string | undefined
  amount?: number | undefined
  /** Ingested since the previous run (with its look-back): only windows holding such an event can fire. */
  fresh: boolean
}

export interface Bound { op: 'gt' | 'gte', value: number }

export interface ThresholdFinding {
  group: string
  /** The figure of the window: events, summed amount or distinct users. */
  value: number
  from: number
  to: number
  events: number
  /** Ids of the window's events, oldest first (at most MAX_WINDOW_EVIDENCE). */
  evidence: string[]
  /**
   * The end of the window that fired: what an alert for it covers. Later events of the group, read by this run
   * but in no alert, stay open to the next runs' windows.
   */
  coveredTo: number
}

export const MAX_WINDOW_EVIDENCE = 50

export const crosses = (value: number, b: Bound): boolean => b.op === 'gte' ? value >= b.value : value > b.value

/**
 * Exact sliding windows over each group's events, fed one group after another, oldest first. A window is
 * every run of events whose first and last are at most `windowMs` apart; a group fires once, for its
 * strongest window (the earliest among equals) that crosses the bound and holds at least one fresh event.
 * Events at or before the group's `coveredTo` (already counted by an earlier alert) are ignored, so the same
 * events never raise two alerts.
 */
export class ThresholdDetector {
  private group: string | null = null
  private window: WindowEvent[] = []
  private head = 0
  private sum = 0
  private fresh = 0
  private readonly users = new Map<string, number>()
  private best: Omit<ThresholdFinding, 'coveredTo'> | undefined

  constructor (private readonly metric: RuleMetric, private readonly windowMs: number, private readonly bound: Bound, private readonly emit: (f: ThresholdFinding) => void) {}

  push (group: string, e: WindowEvent, coveredTo: number | undefined): void {
    if (group !== this.group) {
      this.finish()
      this.group = group
    }
    if (coveredTo !== undefined && e.time <= coveredTo) return
    this.window.push(e)
    this.add(e, 1)
    while (e.time - (this.window[this.head] as WindowEvent).time > this.windowMs) this.add(this.window[this.head++] as WindowEvent, -1)
    if (this.head > 4096 && this.head * 2 > this.window.length) { this.window = this.window.slice(this.head); this.head = 0 }
    const value = this.value()
    if (this.fresh > 0 && crosses(value, this.bound) && value > (this.best?.value ?? -Infinity)) {
      // The first ids only: copying the whole window at each better one made a growing window quadratic.
      this.best = {
        group, value, from: (this.window[this.head] as WindowEvent).time, to: e.time, events: this.window.length - this.head,
        evidence: this.window.slice(this.head, this.head + MAX_WINDOW_EVIDENCE).map(w => w.id)
      }
    }
  }

  /** Ends the current group; call once more after the last event. */
  finish (): void {
    if (this.best !== undefined) this.emit({ ...this.best, coveredTo: this.best.to })
    this.group = null
    this.window = []
    this.head = 0
    this.sum = 0
    this.fresh = 0
    this.users.clear()
    this.best = undefined
  }

  private add (e: WindowEvent, sign: 1 | -1): void {
    if (e.fresh) this.fresh += sign
    if (e.amount !== undefined) this.sum += sign * e.amount
    if (e.user !== undefined) {
      const n = (this.users.get(e.user) ?? 0) + sign
      if (n === 0) this.users.delete(e.user)
      else this.users.set(e.user, n)
    }
  }

  private value (): number {
    if (this.metric === 'users') return this.users.size
    if (this.metric === 'amount') return Math.round(this.sum * 1e6) / 1e6
    return this.window.length - this.head
  }
}
