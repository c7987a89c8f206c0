/**
 * Retention classes: each category of events is kept as long as its records must be.
 * Money and gaming are financial records, sign-ins and profile changes are security records,
 * support and UI actions are product interaction.
 */
export const RETENTION_CLASSES = ['financial', 'security', 'activity', 'interaction'] as const
export type RetentionClass = typeof RETENTION_CLASSES[number]
