import { type Static, Type } from '@sinclair/typebox'
import { BoundsSchema, scanLimit, selection } from './request.ts'
import { distribution, DistributionSchema, Numbers } from './stats.ts'

export const SessionsRequest = Type.Object({
  ...selection,
  scanLimit: scanLimit('events with a session')
}, { additionalProperties: false, $id: 'SessionsRequest' })
export type SessionsRequest = Static<typeof SessionsRequest>

const S = 1000
const M = 60 * S
const H = 60 * M

/** Fixed bucket edges, so distributions of different periods or segments compare bucket by bucket. */
export const DURATION_EDGES_MS = [0, 10 * S, M, 5 * M, 15 * M, 30 * M, H, 2 * H, 4 * H, 8 * H, 24 * H] as const
export const ACTION_EDGES = [1, 2, 3, 6, 11, 21, 51, 101] as const

export const SessionsResponse = Type.Object({
  sessions: Type.Integer({ description: 'Sessions among the filtered events' }),
  durationMs: DistributionSchema('milliseconds'),
  actions: DistributionSchema('events'),
  bounds: BoundsSchema
})
export type SessionsResponse = Static<typeof SessionsResponse>

/**
 * Folds events sorted by user, session and time into sessions: a session is one user's events with one
 * session id. Its length is the time from its first to its last filtered event (0 for a single event); its
 * actions are its filtered events. Percentiles are exact over every session read.
 */
export class SessionStats {
  private readonly durations = new Numbers()
  private readonly actions = new Numbers()
  private user: string | null = null
  private session: string | null = null
  private first = 0
  private last = 0
  private events = 0

  push (user: string, session: string, time: number): void {
    if (user !== this.user || session !== this.session) {
      this.finish()
      this.user = user
      this.session = session
      this.first = time
    }
    this.last = time
    this.events++
  }

  /** Ends the current session; call once more after the last event. */
  finish (): void {
    if (this.events > 0) {
      this.durations.push(this.last - this.first)
      this.actions.push(this.events)
    }
    this.user = null
    this.events = 0
  }

  result (): Omit<SessionsResponse, 'bounds'> {
    return {
      sessions: this.durations.length,
      durationMs: distribution(this.durations, DURATION_EDGES_MS),
      actions: distribution(this.actions, ACTION_EDGES)
    }
  }
}
