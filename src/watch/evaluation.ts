import type { estypes } from '@elastic/elasticsearch'
import type { KeyState } from '../store/system/alert-keys-store.ts'
import type { GroupPosition } from '../store/events/watch-reads.ts'
import type { RunFigures } from './run-schema.ts'

export type Query = estypes.QueryDslQueryContainer

/**
 * Bounds of one run, whatever the data: groups with new events examined, events read, alerts raised. A run
 * that reaches one says so (`truncated` in its run log) and, where groups are examined in key order, where it
 * stopped: the next runs go on from there (`resume`).
 */
export const RUN_LIMITS = {
  groups: 10_000,
  scan: 500_000,
  alerts: 500,
  /** Keys a signal rule's detector reads at a time (each gives one finding at most). */
  signals: 1000
}

/** What a rule found: one per group at most (more findings of a group join its alert). */
export interface Finding {
  group: string | null
  groupField: string | null
  title: string
  figure: Record<string, unknown>
  /** Event ids, oldest first. */
  evidence: string[]
  firstTime: number
  lastTime: number
  /** Latest event time the finding accounts for: later runs ignore events up to it for this group. */
  coveredTo: number
  mark?: number
  /** New-value rules: the value reported, with its latest event time. */
  coveredValues?: Record<string, number>
  /** The finding's group in key order, where the run examines groups in that order. */
  at?: GroupPosition
}

export interface Evaluation extends RunFigures {
  findings: Finding[]
  /** A bound stopped the run: the last group examined, in key order (the groups after it were not). */
  stoppedAt?: GroupPosition
}

/**
 * The run's slice of events: ingested after `since`, at or before `until` (ms); with `after`, only the groups
 * after that one (an earlier run stopped there).
 */
export interface RunSpan { since: number, until: number, after?: GroupPosition }

/** The state of the rule's deduplication keys for these groups (what earlier alerts covered). */
export type StatesOf = (groups: ReadonlyArray<string | null>) => Promise<Map<string | null, KeyState>>

/** The newKeys options that select the run's slice: ingested in its span, after the group it goes on from. */
export const sliceOf = (span: RunSpan): { ingested: { from: string, to: string }, after?: GroupPosition } => ({ ingested: { from: isoOf(span.since), to: isoOf(span.until) }, after: span.after })

export const and = (...q: Query[]): Query => ({ bool: { filter: q } })
export const isoOf = (ms: number): string => new Date(ms).toISOString()
