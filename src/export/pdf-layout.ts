import { valueAt } from './columns.ts'

/** A4 landscape, in PDF points: wide enough for a one-line event table. */
export const PAGE = { width: 841.89, height: 595.28, margin: 36 } as const
export const TABLE = { fontSize: 7, rowHeight: 12, headerHeight: 14, titleHeight: 22, footerHeight: 16 } as const

/** Pages before the event table (cover, summary) and after it (integrity). */
export const FRONT_PAGES = 2
export const BACK_PAGES = 1

export interface TableColumn {
  header: string
  /** Share of the table width. */
  weight: number
  align: 'left' | 'right'
  cell: (doc: Record<string, unknown>) => string
}

const str = (doc: Record<string, unknown>, path: string): string => {
  const v = valueAt(doc, path.split('.'))
  if (v === undefined || v === null) return ''
  return Array.isArray(v) ? v.join('; ') : typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/** `2026-11-26T14:03:00.123Z` → `2026-11-26 14:03:00` (UTC). */
export function utcTime (iso: string): string {
  return iso === '' ? '' : iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')
}

export function formatAmount (amount: number, currency = ''): string {
  const n = amount.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 8 })
  return currency === '' ? n : `${n} ${currency}`
}

/** The event table of reports: fixed columns, one line per event. */
export const EVENT_COLUMNS: TableColumn[] = [
  { header: 'Time (UTC)', weight: 11, align: 'left', cell: d => utcTime(str(d, '@timestamp')) },
  { header: 'Action', weight: 10, align: 'left', cell: d => str(d, 'event.action') },
  { header: 'Outcome', weight: 6, align: 'left', cell: d => str(d, 'event.outcome') },
  { header: 'Level', weight: 5.5, align: 'left', cell: d => str(d, 'audit.importance.level') },
  { header: 'User', weight: 10, align: 'left', cell: d => [str(d, 'user.id'), str(d, 'user.name')].filter(Boolean).join(' · ') },
  { header: 'Actor', weight: 9, align: 'left', cell: d => [str(d, 'audit.actor.type'), str(d, 'audit.actor.id')].filter(Boolean).join(' ') },
  { header: 'IP', weight: 10, align: 'left', cell: d => str(d, 'source.ip') },
  { header: 'Country', weight: 4.5, align: 'left', cell: d => str(d, 'source.geo.country_iso_code') },
  {
    header: 'Amount', weight: 8, align: 'right', cell: d => {
      const amount = valueAt(d, ['audit', 'money', 'amount'])
      return typeof amount === 'number' ? formatAmount(amount, str(d, 'audit.money.currency')) : ''
    }
  },
  { header: 'Message', weight: 26, align: 'left', cell: d => str(d, 'message').replace(/\s+/g, ' ') }
]

/** Left edges and widths of columns sharing `width` by weight, with `gap` points between them. */
export function columnBoxes (x: number, width: number, weights: readonly number[], gap = 4): Array<{ x: number, width: number }> {
  const total = weights.reduce((a, b) => a + b, 0)
  const usable = width - gap * (weights.length - 1)
  let at = x
  return weights.map(w => {
    const box = { x: at, width: usable * w / total }
    at += box.width + gap
    return box
  })
}

/** Event rows that fit on one table page. */
export function rowsPerPage (): number {
  const usable = PAGE.height - 2 * PAGE.margin - TABLE.titleHeight - TABLE.headerHeight - TABLE.footerHeight
  return Math.floor(usable / TABLE.rowHeight)
}

/** Pages of a report of `rows` events: an empty table still gets its page, saying so. */
export function pageCount (rows: number, perPage = rowsPerPage()): number {
  return FRONT_PAGES + Math.max(1, Math.ceil(rows / perPage)) + BACK_PAGES
}

export function pageLabel (page: number, total: number): string {
  return `Page ${page} of ${total}`
}

/**
 * The longest prefix of `text` that fits in `width` with an ellipsis, cut on characters (never inside a
 * surrogate pair); `measure` gives a text's width in the current font.
 */
export function fitText (text: string, width: number, measure: (s: string) => number): string {
  if (measure(text) <= width) return text
  const chars = [...text]
  let lo = 0
  let hi = chars.length
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (measure(chars.slice(0, mid).join('') + '…') <= width) lo = mid
    else hi = mid - 1
  }
  return lo === 0 ? '' : chars.slice(0, lo).join('') + '…'
}
