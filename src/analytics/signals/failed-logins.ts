import { type Static, Type } from '@sinclair/typebox'
import { Duration, scanLimit, selection, type Query } from '../behaviour/request.ts'
import { evidenceOf, MAX_EVIDENCE, MAX_USERS, signalSchema, signalsResponse, signalsSize, type Evidence, type Signal } from './common.ts'

export const MAX_BURST_WINDOW_MS = 86_400_000

export const FailedLoginsRequest = Type.Object({
  ...selection,
  by: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('ip')], { default: 'user', description: 'Count per user, or per source address' })),
  threshold: Type.Optional(Type.Integer({ minimum: 2, maximum: 100_000, default: 5, description: 'Failed sign-ins within the window that make a burst' })),
  window: Type.Optional(Duration('Sliding window (at most 1d)', '10m')),
  size: signalsSize,
  scanLimit: scanLimit('failed sign-ins')
}, { additionalProperties: false, $id: 'FailedLoginsRequest' })
export type FailedLoginsRequest = Static<typeof FailedLoginsRequest>

export const BurstFigure = Type.Object({
  failures: Type.Integer({ description: 'Failed sign-ins in the densest window of the key' }),
  threshold: Type.Integer(),
  windowMs: Type.Integer(),
  from: Type.String({ description: 'First failure of the densest window' }),
  to: Type.String({ description: 'Last failure of the densest window' }),
  distinctUsers: Type.Integer({ description: 'Users targeted in that window' }),
  totalFailures: Type.Integer({ description: 'Failed sign-ins of the key over everything read' })
})
export type BurstFigure = Static<typeof BurstFigure>

export const FailedLoginsResponse = signalsResponse(signalSchema(BurstFigure, 'The user id or the source address'), 'FailedLoginsResponse')

/**
 * A failed sign-in: `login_failed`, or `login` or `mfa_verified` with outcome failure. Kept in step with
 * `FAILED_SIGN_IN` below, which selects the same events in Elasticsearch.
 */
export function isFailedSignIn (action: string, outcome: string | undefined): boolean {
  return action === 'login_failed' || ((action === 'login' || action === 'mfa_verified') && outcome === 'failure')
}

export const FAILED_SIGN_IN: Query = {
  bool: {
    should: [
      { term: { 'event.action': 'login_failed' } },
      { bool: { filter: [{ terms: { 'event.action': ['login', 'mfa_verified'] } }, { term: { 'event.outcome': 'failure' } }] } }
    ],
    minimum_should_match: 1
  }
}

interface Best { count: number, from: number, to: number, evidence: Evidence[], users: string[], distinctUsers: number }

/**
 * Exact sliding-window bursts, fed with one key's failures after another, oldest first. A burst is at least
 * `threshold` failures whose first and last are at most `windowMs` apart; each key that has one gives one
 * signal, with its densest window (the earliest, among equally dense ones).
 */
export class BurstDetector {
  private key: string | null = null
  // The failures within the window, in three lists rather than one object each: a busy key over a long window
  // holds a million of them (about 100 MB this way, 315 MB as objects with their evidence).
  private times: number[] = []
  private users: string[] = []
  private ids: string[] = []
  private head = 0
  private readonly userCounts = new Map<string, number>()
  private best: Best | undefined
  private total = 0

  constructor (private readonly threshold: number, private readonly windowMs: number, private readonly emit: (s: Signal<BurstFigure>) => void) {}

  /** One failure of the key; `user` is the account it was for. Evidence is made for the densest window only. */
  push (key: string, time: number, user: string, id: string): void {
    if (key !== this.key) {
      this.finish()
      this.key = key
    }
    this.total++
    this.times.push(time)
    this.users.push(user)
    this.ids.push(id)
    this.userCounts.set(user, (this.userCounts.get(user) ?? 0) + 1)
    while (time - (this.times[this.head] ?? time) > this.windowMs) {
      const gone = this.users[this.head++] as string
      const left = (this.userCounts.get(gone) ?? 1) - 1
      if (left === 0) this.userCounts.delete(gone)
      else this.userCounts.set(gone, left)
    }
    // Dropped entries are released in chunks, so memory follows the window, not the key's history.
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.users = this.users.slice(this.head)
      this.ids = this.ids.slice(this.head)
      this.head = 0
    }
    const count = this.times.length - this.head
    if (count >= this.threshold && count > (this.best?.count ?? 0)) {
      const users: string[] = []
      for (const u of this.userCounts.keys()) { if (users.length === MAX_USERS) break; users.push(u) }
      // The window's first failures, unless they are those of the best window so far (it grew at its end).
      const shown = Math.min(count, MAX_EVIDENCE)
      const same = this.best !== undefined && this.best.evidence.length === shown && this.best.evidence[0]?.id === this.ids[this.head]
      const evidence: Evidence[] = same ? (this.best as Best).evidence : []
      for (let i = this.head; !same && i < this.head + shown; i++) evidence.push(evidenceOf(this.ids[i] as string, this.times[i] as number, { 'user.id': this.users[i] }))
      this.best = { count, from: this.times[this.head] as number, to: time, evidence, users, distinctUsers: this.userCounts.size }
    }
  }

  /** Ends the current key; call once more after the last event. */
  finish (): void {
    if (this.key !== null && this.best !== undefined) {
      const b = this.best
      this.emit({
        key: this.key,
        users: b.users,
        figure: {
          failures: b.count, threshold: this.threshold, windowMs: this.windowMs,
          from: new Date(b.from).toISOString(), to: new Date(b.to).toISOString(), distinctUsers: b.distinctUsers, totalFailures: this.total
        },
        evidence: b.evidence
      })
    }
    this.key = null
    this.times = []
    this.users = []
    this.ids = []
    this.head = 0
    this.userCounts.clear()
    this.best = undefined
    this.total = 0
  }
}
