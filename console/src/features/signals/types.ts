/** Shapes of the signal answers (src/analytics/signals/*.ts hold the schemas). */
export interface Evidence {
  id: string, tenant?: string, '@timestamp': string, action: string, outcome?: string, userId?: string, ip?: string
  country?: string, city?: string, amount?: number, currency?: string
}
export type Figure = Record<string, unknown>
export interface Signal { key: string, users: string[], figure: Figure, evidence: Evidence[] }
export interface SignalsAnswer { signals: Signal[], found: number, bounds: { scanned: number, limit: number, truncated: boolean } }
