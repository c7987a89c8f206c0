import { maskText, maskValue } from '../auth/masking.ts'
import { MASKED_FIELDS } from '../events/personal-fields.ts'

interface Maskable { group: string | null, group_field: string | null, title?: string, dedup_key?: string, figure: Record<string, unknown> }

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string' && s !== '')

/** Most values a new-value alert lists as reported into it. */
const MAX_REPORTED = 100

/**
 * The figure of a finding merged into an open alert: a new-value alert lists every value reported into it
 * (`reported`, the latest last), so none is lost and masking hides each; other figures are the latest one.
 */
export function mergedFigure (before: Record<string, unknown>, latest: Record<string, unknown>): Record<string, unknown> {
  if (typeof latest.field !== 'string' || latest.field !== before.field) return latest
  const reported = [...new Set([...strings(before.reported ?? before.value), ...strings(latest.value)])]
  return { ...latest, reported: reported.slice(-MAX_REPORTED) }
}

/**
 * An alert as a reader of masked data sees it: its group when grouped by a masked field, the values of a
 * new-value figure on a masked field, and the title and the deduplication key, which quote them, with each
 * clear value replaced by its masked form (then any address or email left in them masked as free text is).
 */
export function maskAlert<A extends Maskable> (a: A): A {
  const swaps = new Map<string, string>()
  const masked = (field: string | null, value: unknown): unknown => {
    if (field === null || !MASKED_FIELDS.has(field)) return value
    for (const clear of strings(value)) swaps.set(clear, String(maskValue(field, clear)))
    return maskValue(field, value)
  }
  const group = masked(a.group_field, a.group) as string | null
  const field = typeof a.figure.field === 'string' ? a.figure.field : null
  const figure = field === null || !MASKED_FIELDS.has(field)
    ? a.figure
    : { ...a.figure, value: masked(field, a.figure.value), previous: masked(field, a.figure.previous), ...(a.figure.reported === undefined ? {} : { reported: masked(field, a.figure.reported) }) }
  // Longest first, so that a value containing another is replaced whole.
  const order = [...swaps].sort((x, y) => y[0].length - x[0].length)
  const swapped = (text: string): string => {
    for (const [clear, hidden] of order) text = text.split(clear).join(hidden)
    return maskText(text)
  }
  return {
    ...a, group, figure,
    ...(a.title === undefined ? {} : { title: swapped(a.title) }),
    // The key names the rule and the group: `<rule>|<group>`.
    ...(a.dedup_key === undefined ? {} : { dedup_key: swapped(a.dedup_key) })
  }
}
