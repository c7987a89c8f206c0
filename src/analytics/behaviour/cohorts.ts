import { type Static, Type } from '@sinclair/typebox'
import { BoundsSchema, scanLimit, selection } from './request.ts'
import { SourceParam } from '../entities/source.ts'

export const MAX_COHORT_WEEKS = 26

export const CohortsRequest = Type.Object({
  ...selection,
  timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone of the weeks (they start at midnight on Monday there) and of dates in the KQL query; default the period\'s zone, then UTC' })),
  weeks: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_COHORT_WEEKS, default: 8, description: 'Weeks followed after the first-seen week' })),
  scanLimit: scanLimit('user-weeks (one per user and week with activity)'),
  source: SourceParam
}, { additionalProperties: false, $id: 'CohortsRequest' })
export type CohortsRequest = Static<typeof CohortsRequest>

const Count = Type.Union([Type.Integer(), Type.Null()])
const Rate = Type.Union([Type.Number(), Type.Null()])

export const Cohort = Type.Object({
  week: Type.String({ description: 'ISO week of first activity, such as 2026-W45' }),
  start: Type.String({ description: 'Its Monday, in the request\'s zone (YYYY-MM-DD)' }),
  users: Type.Integer({ description: 'Users first seen that week' }),
  active: Type.Array(Count, { description: 'Index k: users of the cohort active in week k after the first (index 0 is the first week itself); null for weeks after the last week of the data' }),
  retention: Type.Array(Rate, { description: 'active[k] / users' })
})
export type Cohort = Static<typeof Cohort>

export const CohortsResponse = Type.Object({
  weeks: Type.Integer(),
  timeZone: Type.String(),
  cohorts: Type.Array(Cohort, { description: 'Oldest first' }),
  bounds: BoundsSchema
})
export type CohortsResponse = Static<typeof CohortsResponse>

const DAY = 86_400_000

/** Days since the epoch of a calendar date `YYYY-MM-DD`. */
export function dayNumber (date: string): number {
  return Math.round(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY)
}

/** ISO 8601 week of the week starting on the Monday `monday`: the week belongs to the year of its Thursday. */
export function isoWeek (monday: string): string {
  const thursday = new Date((dayNumber(monday) + 3) * DAY)
  const year = thursday.getUTCFullYear()
  const week = Math.floor((dayNumber(thursday.toISOString()) - dayNumber(`${year}-01-01`)) / 7) + 1
  return `${year}-W${String(week).padStart(2, '0')}`
}

interface Row { start: string, users: number, active: number[] }

/**
 * Builds the retention table from each user's active weeks, fed user after user, weeks in ascending order. A
 * user's first active week is the cohort (first seen over the filtered events); every later active week
 * within `weeks` counts once.
 */
export class CohortTable {
  private readonly rows = new Map<number, Row>()
  private user: string | null = null
  private row: Row | undefined
  private cohortDay = 0
  private lastDay = Number.NEGATIVE_INFINITY

  constructor (private readonly weeks: number) {}

  push (user: string, weekStart: string): void {
    const day = dayNumber(weekStart)
    if (day > this.lastDay) this.lastDay = day
    if (user !== this.user) {
      this.user = user
      this.cohortDay = day
      let row = this.rows.get(day)
      if (row === undefined) {
        row = { start: weekStart.slice(0, 10), users: 0, active: Array.from({ length: this.weeks + 1 }, () => 0) }
        this.rows.set(day, row)
      }
      row.users++
      row.active[0] = (row.active[0] as number) + 1
      this.row = row
      return
    }
    const k = Math.round((day - this.cohortDay) / 7)
    if (k >= 1 && k <= this.weeks && this.row !== undefined) this.row.active[k] = (this.row.active[k] as number) + 1
  }

  result (): Cohort[] {
    return [...this.rows].sort((a, b) => a[0] - b[0]).map(([day, row]) => {
      const active = row.active.map((n, k) => day + 7 * k > this.lastDay ? null : n)
      return { week: isoWeek(row.start), start: row.start, users: row.users, active, retention: active.map(n => n === null ? null : n / row.users) }
    })
  }
}
