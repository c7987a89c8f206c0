/**
 * Retention classes: each category of events is kept as long as its records must be.
 * Money and gaming are financial records, sign-ins and profile changes are security records,
 * support and UI actions are product interaction.
 */
export const RETENTION_CLASSES = ['financial', 'security', 'activity', 'interaction'] as const
export type RetentionClass = typeof RETENTION_CLASSES[number]

export const DAY_MS = 86_400_000

/** Whether an event of this time is past a retention of `days` at `now`: ingest refuses it, retention deletes it. */
export const olderThanRetention = (time: number, days: number, now: number): boolean => time < now - days * DAY_MS
