import { type Static, Type } from '@sinclair/typebox'
import { Duration, scanLimit, selection } from '../behaviour/request.ts'
import { MAX_EVIDENCE, signalSchema, signalsResponse, signalsSize, type Evidence, type Signal } from './common.ts'

export const MAX_CHANGE_WINDOW_MS = 30 * 86_400_000

/** Changes of credentials or payout destination: the usual first step of an account takeover. */
export const CHANGE_ACTIONS = ['password_changed', 'email_changed', 'payout_details_changed', 'password_reset_completed', 'mfa_disabled'] as const

export const ChangeWithdrawRequest = Type.Object({
  ...selection,
  window: Type.Optional(Duration('Longest time from the change to the withdrawal (at most 30d)', '24h')),
  size: signalsSize,
  scanLimit: scanLimit('changes and withdrawals')
}, { additionalProperties: false, $id: 'ChangeWithdrawRequest' })
export type ChangeWithdrawRequest = Static<typeof ChangeWithdrawRequest>

export const ChangeWithdrawFigure = Type.Object({
  change: Type.String({ description: 'The change action' }),
  elapsedMs: Type.Integer({ description: 'From the change to the first withdrawal after it' }),
  windowMs: Type.Integer(),
  withdrawals: Type.Integer({ description: 'Withdrawals within the window after the change' }),
  amounts: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Number() }), { description: 'Their total per currency' })
})
export type ChangeWithdrawFigure = Static<typeof ChangeWithdrawFigure>

export const ChangeWithdrawResponse = signalsResponse(signalSchema(ChangeWithdrawFigure, 'The user id'), 'ChangeWithdrawResponse')

interface Pending { change: Evidence, time: number, first: number | undefined, count: number, amounts: Map<string, number>, evidence: Evidence[] }

/**
 * Fed with one user's changes and withdrawals after another, oldest first (same-millisecond events in id
 * order). Each change that did not fail and is followed by at least one withdrawal of the same user at most
 * `windowMs` later is one signal; withdrawals count whatever their outcome, as a refused payout right after a
 * credential change is the same pattern.
 */
export class ChangeWithdrawDetector {
  private user: string | null = null
  private pending: Pending[] = []

  constructor (private readonly windowMs: number, private readonly emit: (s: Signal<ChangeWithdrawFigure>, elapsedMs: number) => void) {}

  push (user: string, time: number, e: Evidence): void {
    if (user !== this.user) {
      this.finish()
      this.user = user
    }
    while (this.pending.length > 0 && time - (this.pending[0] as Pending).time > this.windowMs) this.close(this.pending.shift() as Pending)
    if (e.action === 'withdrawal') {
      for (const p of this.pending) {
        p.first ??= time
        p.count++
        if (e.amount !== undefined && e.currency !== undefined) p.amounts.set(e.currency, (p.amounts.get(e.currency) ?? 0) + e.amount)
        if (p.evidence.length < MAX_EVIDENCE) p.evidence.push(e)
      }
    } else if ((CHANGE_ACTIONS as readonly string[]).includes(e.action) && e.outcome !== 'failure') {
      this.pending.push({ change: e, time, first: undefined, count: 0, amounts: new Map(), evidence: [e] })
    }
  }

  /** Ends the current user; call once more after the last event. */
  finish (): void {
    for (const p of this.pending) this.close(p)
    this.pending = []
    this.user = null
  }

  private close (p: Pending): void {
    if (p.first === undefined || this.user === null) return
    const elapsedMs = p.first - p.time
    this.emit({
      key: this.user,
      users: [this.user],
      figure: {
        change: p.change.action, elapsedMs, windowMs: this.windowMs, withdrawals: p.count,
        amounts: [...p.amounts].sort((a, b) => a[0] < b[0] ? -1 : 1).map(([currency, amount]) => ({ currency, amount }))
      },
      evidence: p.evidence
    }, elapsedMs)
  }
}
