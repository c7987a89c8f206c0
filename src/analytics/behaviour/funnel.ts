import { type Static, Type } from '@sinclair/typebox'
import { ActionName, BoundsSchema, Duration, scanLimit, selection } from './request.ts'
import { median, Numbers } from './stats.ts'
import { SourceParam } from '../entities/source.ts'

export const MAX_FUNNEL_WINDOW_MS = 366 * 86_400_000

export const FunnelRequest = Type.Object({
  ...selection,
  steps: Type.Array(Type.Array(ActionName, { minItems: 1, maxItems: 20, description: 'Actions any of which completes the step' }), {
    minItems: 2, maxItems: 10, description: 'The ordered steps'
  }),
  window: Type.Optional(Duration('Time allowed from the first step to the last (at most 366d)', '7d')),
  scanLimit: scanLimit('events of the steps\' actions'),
  source: SourceParam
}, { additionalProperties: false, $id: 'FunnelRequest' })
export type FunnelRequest = Static<typeof FunnelRequest>

const Rate = Type.Union([Type.Number(), Type.Null()])

export const FunnelStep = Type.Object({
  step: Type.Integer({ description: 'Position, from 1' }),
  actions: Type.Array(Type.String()),
  users: Type.Integer({ description: 'Users who reached this step in order within the window' }),
  conversionFromPrevious: Type.Union([Type.Number(), Type.Null()], { description: 'users / users of the previous step; null for the first step or when the previous has none' }),
  conversionFromFirst: Rate,
  medianMsFromPrevious: Type.Union([Type.Number(), Type.Null()], { description: 'Exact median, over the users who reached this step, of the time since their previous step (ms)' })
})
export type FunnelStep = Static<typeof FunnelStep>

export const FunnelResponse = Type.Object({
  windowMs: Type.Integer(),
  steps: Type.Array(FunnelStep),
  bounds: BoundsSchema
})
export type FunnelResponse = Static<typeof FunnelResponse>

/**
 * Counts users through ordered steps, fed with one user's events after another, oldest first.
 *
 * The rule: a user's first event matching step 1 starts the attempt at time t0; from there each step is the
 * first later event matching it (so one event completes at most one step), and every step must happen at or
 * before t0 + window. Later occurrences of step 1 do not start a new attempt. Matching the earliest event of
 * each step never loses a conversion, since it leaves the most time and events for the steps after it.
 */
export class FunnelCounter {
  private readonly reached: number[]
  private readonly gaps: Numbers[]
  private user: string | null = null
  private next = 0
  private start = 0
  private last = 0
  private closed = false

  constructor (private readonly steps: ReadonlyArray<readonly string[]>, private readonly windowMs: number) {
    this.reached = steps.map(() => 0)
    this.gaps = steps.map(() => new Numbers())
  }

  push (user: string, time: number, action: string): void {
    if (user !== this.user) {
      this.user = user
      this.next = 0
      this.closed = false
    }
    if (this.closed || this.next >= this.steps.length) return
    if (this.next > 0 && time - this.start > this.windowMs) { this.closed = true; return }
    if (!(this.steps[this.next] as readonly string[]).includes(action)) return
    if (this.next === 0) this.start = time
    else (this.gaps[this.next] as Numbers).push(time - this.last)
    this.reached[this.next] = (this.reached[this.next] as number) + 1
    this.last = time
    this.next++
  }

  result (): FunnelStep[] {
    const first = this.reached[0] as number
    return this.steps.map((actions, i) => {
      const users = this.reached[i] as number
      const previous = i === 0 ? 0 : this.reached[i - 1] as number
      return {
        step: i + 1,
        actions: [...actions],
        users,
        conversionFromPrevious: i === 0 || previous === 0 ? null : users / previous,
        conversionFromFirst: first === 0 ? null : users / first,
        medianMsFromPrevious: i === 0 ? null : median((this.gaps[i] as Numbers).sorted())
      }
    })
  }
}
