import type { estypes } from '@elastic/elasticsearch'
import type { KeyState } from '../store/system/alert-keys-store.ts'
import type { RunFigures } from './run-schema.ts'

export type Query = estypes.QueryDslQueryContainer

/**
 * Bounds of one run, whatever the data: groups with new events examined, events read, alerts raised. A run
 * that reaches one says so (`truncated` in its run log).
 */
export const RUN_LIMITS = { groups: 10_000, scan: 500_000, alerts: 500, signals: 1000 }

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
}

export interface Evaluation extends RunFigures { findings: Finding[] }

/** The run's slice of events: ingested after `since`, at or before `until` (ms). */
export interface RunSpan { since: number, until: number }

/** The state of the rule's deduplication keys for these groups (what earlier alerts covered). */
export type StatesOf = (groups: ReadonlyArray<string | null>) => Promise<Map<string | null, KeyState>>

export const and = (...q: Query[]): Query => ({ bool: { filter: q } })
export const isoOf = (ms: number): string => new Date(ms).toISOString()
