import { DAY_MS, type RetentionClass } from '../../events/retention-classes.ts'
import type { Partition } from './index-names.ts'


/**
 * Age, counted from the partition start, at which a partition may go: the retention plus the longest month,
 * so the partition's newest event has been kept its full retention. ILM and the local sweep share this.
 */
export function deleteAfterDays (retentionDays: number): number {
  return retentionDays + 31
}

/** Partitions whose every event is past its class retention. */
export function expiredPartitions (partitions: Partition[], retentionDays: Record<RetentionClass, number>, now: number): Partition[] {
  return partitions.filter(p => p.start.getTime() + deleteAfterDays(retentionDays[p.cls]) * DAY_MS <= now)
}
