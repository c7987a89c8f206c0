/** Shapes of /v1/analytics/period-summary (src/analytics/summaries-schema.ts is the reference). */
export interface ChangeRow { key: string, current: number, previous: number, change: number, changePct: number | null }
export interface Window { from: string, to: string }
export interface PeriodSummary {
  total: number, period: Window, previous: Window, totals: ChangeRow
  byCategory: ChangeRow[], byAction: ChangeRow[], byOutcome: ChangeRow[], byImportance: ChangeRow[]
  complete: boolean
}
