import { maskText, maskValue } from '../auth/masking.ts'
import { MASKED_FIELDS } from '../events/personal-fields.ts'

interface Maskable { group: string | null, group_field: string | null, title?: string, figure: Record<string, unknown> }

const strings = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((s): s is string => typeof s === 'string' && s !== '')

/**
 * An alert as a reader of masked data sees it: its group when grouped by a masked field, the values of a
 * new-value figure on a masked field, and the title, which quotes them, with each clear value replaced by its
 * masked form (then any address or email left in it masked as free text is).
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
    : { ...a.figure, value: masked(field, a.figure.value), previous: masked(field, a.figure.previous) }
  if (a.title === undefined) return { ...a, group, figure }
  let title = a.title
  // Longest first, so that a value containing another is replaced whole.
  for (const [clear, hidden] of [...swaps].sort((x, y) => y[0].length - x[0].length)) title = title.split(clear).join(hidden)
  return { ...a, group, figure, title: maskText(title) }
}
