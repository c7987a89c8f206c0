import { maskText, maskValue } from '../auth/masking.ts'
import { MASKED_FIELDS } from '../events/personal-fields.ts'
import { maskedFieldProblem } from '../query/masked-access.ts'

interface Maskable { group: string | null, group_field: string | null, title?: string, dedup_key?: string, rule_name?: string | null, figure: Record<string, unknown> }

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
 * Fields masked as free text (`event.reason.keyword`, `audit.details.*`) have the emails and addresses in their
 * values masked; the rule's name is masked as free text too (a rule may be named after a person).
 */
export function maskAlert<A extends Maskable> (a: A): A {
  const swaps = new Map<string, string>()
  const isMasked = (field: string | null): field is string => field !== null && maskedFieldProblem(field) !== undefined
  const hide = (field: string, value: string): string => MASKED_FIELDS.has(field) ? String(maskValue(field, value)) : maskText(value)
  const masked = (field: string | null, value: unknown): unknown => {
    if (!isMasked(field)) return value
    for (const clear of strings(value)) swaps.set(clear, hide(field, clear))
    if (MASKED_FIELDS.has(field)) return maskValue(field, value)
    return Array.isArray(value) ? value.map(v => typeof v === 'string' ? maskText(v) : v) : typeof value === 'string' ? maskText(value) : value
  }
  const group = masked(a.group_field, a.group) as string | null
  const field = typeof a.figure.field === 'string' ? a.figure.field : null
  const figure = !isMasked(field)
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
    ...(typeof a.rule_name === 'string' ? { rule_name: swapped(a.rule_name) } : {}),
    // The key names the rule and the group: `<rule>|<group>`.
    ...(a.dedup_key === undefined ? {} : { dedup_key: swapped(a.dedup_key) })
  }
}
