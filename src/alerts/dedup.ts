import type { KeyState } from '../store/system/alert-keys-store.ts'

export type Decision =
  | { kind: 'raise' }
  /** An alert for the key is still open (or acknowledged): the finding joins it. */
  | { kind: 'merge', alertId: string }
  /** The rule's cool-down since the last alert of the key has not passed. */
  | { kind: 'cool-down', until: number }

export const OPEN_STATUSES = ['open', 'acknowledged'] as const

/**
 * One alert per key while it is open; after it is closed, none before the cool-down has passed since it was
 * raised. `openStatus` is the status of the alert the key points to (undefined when it is gone).
 */
export function decide (state: KeyState | undefined, openStatus: string | undefined, now: number, cooldownMs: number): Decision {
  if (state?.open_alert_id != null && openStatus !== undefined && (OPEN_STATUSES as readonly string[]).includes(openStatus)) {
    return { kind: 'merge', alertId: state.open_alert_id }
  }
  const last = state?.last_raised_at
  if (last != null && cooldownMs > 0 && now < last + cooldownMs) return { kind: 'cool-down', until: last + cooldownMs }
  return { kind: 'raise' }
}

/** The values a key remembers at most (the latest reported are kept). */
export const MAX_COVERED_VALUES = 256

/** What a finding covers: its latest event time, a rule's mark, the values a new-value finding reports. */
export interface Coverage { coveredTo?: number | undefined, mark?: number | undefined, values?: Record<string, number> | undefined }

/** The key's state after a finding was handled: what it covers only moves forward. */
export function nextState (state: KeyState | undefined, d: Decision, alertId: string, now: number, c: Coverage): KeyState {
  const covered = Math.max(state?.covered_to ?? -Infinity, c.coveredTo ?? -Infinity)
  const values = c.values === undefined ? state?.covered_values : mergeValues(state?.covered_values, c.values)
  const base: KeyState = {
    open_alert_id: state?.open_alert_id ?? null,
    last_raised_at: state?.last_raised_at ?? null,
    covered_to: Number.isFinite(covered) ? covered : null,
    mark: c.mark ?? state?.mark ?? null,
    ...(values === undefined ? {} : { covered_values: values })
  }
  if (d.kind === 'raise') return { ...base, open_alert_id: alertId, last_raised_at: now }
  if (d.kind === 'cool-down') return { ...base, open_alert_id: null }
  return base
}

/** Each value's latest time of both, bounded to the most recent `MAX_COVERED_VALUES`. */
function mergeValues (was: Record<string, number> | undefined, add: Record<string, number>): Record<string, number> {
  const all = new Map(Object.entries(was ?? {}))
  for (const [v, time] of Object.entries(add)) all.set(v, Math.max(all.get(v) ?? -Infinity, time))
  return Object.fromEntries([...all].sort((a, b) => b[1] - a[1]).slice(0, MAX_COVERED_VALUES))
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const
export type AlertStatus = typeof ALERT_STATUSES[number]

const NEXT: Record<AlertStatus, AlertStatus[]> = { open: ['acknowledged', 'closed'], acknowledged: ['closed'], closed: [] }

/** open → acknowledged → closed (or open → closed); a closed alert stays closed. Undefined when allowed, else why not. */
export function transitionProblem (from: AlertStatus, to: AlertStatus): string | undefined {
  if (NEXT[from].includes(to)) return undefined
  if (from === to) return `the alert is already ${to}`
  return from === 'closed' ? 'the alert is closed; a closed alert is not reopened (a new finding raises a new alert)' : `an ${from} alert cannot go back to ${to}`
}
