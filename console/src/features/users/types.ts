import type { Hit } from '../../api/types.ts'

export interface Distinct { count: number, values: string[] }
export interface MoneyRow { currency: string, in: number, out: number, net: number, other: number, events: number }
export interface ChangeRow { key: string, current: number, previous: number, change: number, changePct: number | null }

export interface SessionSummary {
  total: number, sessionId: string, users: string[], start: string | null, end: string | null, durationMs: number
  byCategory: Record<string, number>, byOutcome: Record<string, number>
  ips: Distinct, countries: Distinct, devices: { types: Record<string, number>, ids: Distinct }, money: MoneyRow[]
  highestImportance: { level: string, score: number, rule: string, event: Hit } | null
  operatorActions: { total: number, events: Hit[] }
}

export interface UserSummary {
  total: number, userId: string, firstSeen: string | null, lastSeen: string | null
  byCategory: ChangeRow[], byOutcome: ChangeRow[]
  ips: Distinct, countries: Distinct, devices: { types: Record<string, number>, ids: Distinct }, money: MoneyRow[]
}
