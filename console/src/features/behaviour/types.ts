/** Shapes of the behaviour answers (src/analytics/behaviour/*.ts hold the schemas). */
export interface Bounds { scanned: number, limit: number, truncated: boolean }
export interface FunnelStep { step: number, actions: string[], users: number, conversionFromPrevious: number | null, conversionFromFirst: number | null, medianMsFromPrevious: number | null }
export interface Funnel { windowMs: number, steps: FunnelStep[], bounds: Bounds }
export interface NextActions {
  action: string, sameSession: boolean, occurrences: number, followed: number, ended: number, endedShare: number | null
  otherActions: number, otherCount: number, next: Array<{ action: string, count: number, share: number }>, bounds: Bounds
}
export interface Cohort { week: string, start: string, users: number, active: Array<number | null>, retention: Array<number | null> }
export interface Cohorts { weeks: number, timeZone: string, cohorts: Cohort[], bounds: Bounds }
