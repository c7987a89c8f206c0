/** What the pipeline can report about itself. */
export const SYSTEM_ALERT_KINDS = ['dead_letters', 'jobs_failed', 'queue_backlog', 'queue_growing', 'sealing_behind', 'checkpoint_late', 'stream_failing'] as const
export type SystemAlertKind = typeof SYSTEM_ALERT_KINDS[number]

/**
 * An alert the pipeline raises about itself. `key` identifies the condition (one per kind, one per stream for
 * stream failures): an alert service deduplicates on it while the alert is open.
 */
export interface SystemAlert {
  key: string
  kind: SystemAlertKind
  /** In the event model's levels, as the alert service takes them. */
  severity: 'high' | 'critical'
  summary: string
  /** The figures behind it (counts, ages in seconds, bounds). */
  details: Record<string, string | number | null>
  /** The tenant it concerns, for a tenant's stream; absent for the whole pipeline. */
  tenant?: string
  at: string
}

/** Where system alerts go: the alert service when wired, else the log and a counter (see compose). */
export type RaiseSystemAlert = (alert: SystemAlert) => Promise<void>
