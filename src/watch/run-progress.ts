import type { GroupPosition } from '../store/events/watch-reads.ts'
import type { RuleRun } from './run-schema.ts'
import { isoOf } from './evaluation.ts'

type Resume = NonNullable<RuleRun['resume']>
export type Progress = Required<Pick<RuleRun, 'examined_to' | 'resume'>> & Pick<RuleRun, 'sequence'>

/**
 * Where a run starts: the time every group was examined to, the group an earlier run stopped after, and the
 * run's place among the rule's successful runs.
 */
export interface RunStart { from: number, resume: Resume | null, sequence: number }

export function startOf (last: RuleRun | undefined, rule: { created_at: string, version: string }): RunStart {
  const from = Date.parse(last?.examined_to ?? last?.until ?? rule.created_at)
  const resume = last?.resume ?? null
  // A rule changed since may group by other fields: its groups are examined again from the start.
  return { from, resume: resume?.rule_version === rule.version ? resume : null, sequence: (last?.sequence ?? 0) + 1 }
}

/**
 * What a successful run leaves for the next one. Stopped by a bound: the groups up to where it stopped were
 * examined to the end of the pass over the groups (this run's end, or where the pass began when this run went
 * on from an earlier one), the others only to where they were before, so the next run reads from there again
 * and goes on after the stop. Not stopped: every group was examined to the end of the pass.
 */
export function progressOf (start: RunStart, until: number, stoppedAt: GroupPosition | undefined, version: string): Progress {
  const through = start.resume?.through ?? isoOf(until)
  const { sequence } = start
  if (stoppedAt === undefined) return { examined_to: through, resume: null, sequence }
  return { examined_to: isoOf(start.from), resume: { after: stoppedAt, through, rule_version: version }, sequence }
}
