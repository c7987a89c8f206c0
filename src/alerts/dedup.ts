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

/** The key's state after a finding was handled: what it covers only moves forward. */
export function nextState (state: KeyState | undefined, d: Decision, alertId: string, now: number, coveredTo: number | undefined, mark: number | undefined): KeyState {
  const covered = Math.max(state?.covered_to ?? -Infinity, coveredTo ?? -Infinity)
  const base: KeyState = {
    open_alert_id: state?.open_alert_id ?? null,
    last_raised_at: state?.last_raised_at ?? null,
    covered_to: Number.isFinite(covered) ? covered : null,
    mark: mark ?? state?.mark ?? null
  }
  if (d.kind === 'raise') return { ...base, open_alert_id: alertId, last_raised_at: now }
  if (d.kind === 'cool-down') return { ...base, open_alert_id: null }
  return base
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
