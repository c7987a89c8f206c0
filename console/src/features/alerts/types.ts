/** An alert as GET /v1/alerts answers it (src/alerts/alert-schema.ts). */
export type AlertStatus = 'open' | 'acknowledged' | 'closed'

export interface StatusChange { at: string, by: string, person?: string, from: AlertStatus, to: AlertStatus, note: string }

export interface Alert {
  id: string
  tenant: string | null
  rule_id: string | null
  rule_name: string | null
  system: string | null
  kind: 'threshold' | 'signal' | 'new-value' | 'system'
  severity: 'low' | 'medium' | 'high' | 'critical'
  status: AlertStatus
  title: string
  group: string | null
  group_field: string | null
  figure: Record<string, unknown>
  evidence: string[]
  first_event_at: string | null
  last_event_at: string | null
  created_at: string
  last_seen_at: string
  repeats: number
  history: StatusChange[]
}

export interface AlertList { alerts: Alert[], total: number, next: string | null }

/** A watch rule as GET /v1/watch-rules answers it (src/watch/rule-schema.ts). */
export interface WatchRule {
  id: string
  name: string
  description?: string
  enabled?: boolean
  severity?: 'low' | 'medium' | 'high' | 'critical'
  interval?: string
  lookBack?: string
  cooldown?: string
  condition: { kind: 'threshold' | 'signal' | 'new-value', [k: string]: unknown }
  updated_at: string
  /** Sent back in If-Match to change or delete it. */
  version: string
}

/** One run of a watch rule, as its run log holds it (src/watch/run-schema.ts). */
export interface RuleRun {
  id: string
  attempt: number
  status: 'succeeded' | 'failed' | 'skipped'
  reason: string | null
  will_retry: boolean
  started_at: string
  since: string | null
  until: string | null
  scanned: number
  groups: number
  findings: number
  raised: number
  merged: number
  cooling_down: number
  truncated: boolean
  resume?: { after: Array<string | number>, through: string } | null
}

export interface WatchRuleList { rules: WatchRule[], last_runs: Record<string, RuleRun> }
