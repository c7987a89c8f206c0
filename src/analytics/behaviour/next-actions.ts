import { type Static, Type } from '@sinclair/typebox'
import { ActionName, BoundsSchema, scanLimit, selection } from './request.ts'

export const NextActionsRequest = Type.Object({
  ...selection,
  action: ActionName,
  sameSession: Type.Optional(Type.Boolean({ default: true, description: 'Only a next event of the same session counts (default); false: the user\'s next event, whatever its session' })),
  top: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'How many next actions to list' })),
  scanLimit: scanLimit()
}, { additionalProperties: false, $id: 'NextActionsRequest' })
export type NextActionsRequest = Static<typeof NextActionsRequest>

export const NextAction = Type.Object({
  action: Type.String(),
  count: Type.Integer(),
  share: Type.Number({ description: 'count / occurrences of the action' })
})

export const NextActionsResponse = Type.Object({
  action: Type.String(),
  sameSession: Type.Boolean(),
  occurrences: Type.Integer({ description: 'Events of the action' }),
  followed: Type.Integer({ description: 'Occurrences with a next event' }),
  ended: Type.Integer({ description: 'Occurrences with none: the user\'s (or the session\'s) last event, or an event without a session when sameSession is true' }),
  endedShare: Type.Union([Type.Number(), Type.Null()]),
  otherActions: Type.Integer({ description: 'Next actions beyond the top, with the events they add up to in otherCount' }),
  otherCount: Type.Integer(),
  next: Type.Array(NextAction, { description: 'Most frequent first; ties by action name' }),
  bounds: BoundsSchema
})
export type NextActionsResponse = Static<typeof NextActionsResponse>

/**
 * Counts what comes right after an action, fed with the events in scan order: by user, then (when sessions
 * matter) by session, then by time and id. The next event of an occurrence is the event that follows it in that
 * order if it belongs to the same user (and the same session, when sessions matter).
 */
export class NextActionCounter {
  private readonly counts = new Map<string, number>()
  private occurrences = 0
  private previous: { user: string, session: string | null, action: string } | undefined

  constructor (private readonly action: string, private readonly sameSession: boolean) {}

  push (user: string, session: string | null, action: string): void {
    const p = this.previous
    if (p !== undefined && p.action === this.action && p.user === user && (!this.sameSession || (p.session !== null && p.session === session))) {
      this.counts.set(action, (this.counts.get(action) ?? 0) + 1)
    }
    if (action === this.action) this.occurrences++
    this.previous = { user, session, action }
  }

  result (top: number): Omit<NextActionsResponse, 'bounds'> {
    const all = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    const followed = all.reduce((s, [, c]) => s + c, 0)
    const shown = all.slice(0, top)
    const ended = this.occurrences - followed
    return {
      action: this.action,
      sameSession: this.sameSession,
      occurrences: this.occurrences,
      followed,
      ended,
      endedShare: this.occurrences === 0 ? null : ended / this.occurrences,
      otherActions: all.length - shown.length,
      otherCount: followed - shown.reduce((s, [, c]) => s + c, 0),
      next: shown.map(([action, count]) => ({ action, count, share: count / this.occurrences }))
    }
  }
}
