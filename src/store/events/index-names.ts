import { RETENTION_CLASSES, type RetentionClass } from '../../events/retention-classes.ts'

/**
 * Events live in monthly partitions per retention class, named from the event's own time
 * (`<prefix>-events-<class>-YYYY.MM.01`), so late events land where they belong. The date in the name
 * is the partition start, in the form ILM's `parse_origination_date` reads.
 */
export function partitionIndex (prefix: string, cls: RetentionClass, timestamp: string): string {
  const month = timestamp.slice(0, 7).replace('-', '.')
  return `${prefix}-events-${cls}-${month}.01`
}

/** Reads alias over every event partition. */
export const eventsAlias = (prefix: string): string => `${prefix}-events`
export const classAlias = (prefix: string, cls: RetentionClass): string => `${prefix}-events-${cls}`
export const classPattern = (prefix: string, cls: RetentionClass): string => `${prefix}-events-${cls}-*`

export interface Partition { index: string, cls: RetentionClass, start: Date }

export function parsePartition (prefix: string, index: string): Partition | undefined {
  const m = new RegExp(`^${prefix}-events-([a-z]+)-(\\d{4})\\.(\\d{2})\\.01$`).exec(index)
  if (m === null) return undefined
  const cls = m[1] as RetentionClass
  if (!RETENTION_CLASSES.includes(cls)) return undefined
  return { index, cls, start: new Date(Date.UTC(Number(m[2]), Number(m[3]) - 1, 1)) }
}
