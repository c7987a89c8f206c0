import { type Column, valueAt } from './columns.ts'
import { Utf8Sink } from './utf8-sink.ts'

/**
 * CSV of RFC 4180, for spreadsheets first:
 * - records end with CRLF; a field holding `,`, `;`, `"`, CR or LF is quoted, and its quotes are doubled (`;` too,
 *   because Excel in many locales separates fields with it);
 * - UTF-8, optionally after a byte order mark so that Excel reads it as UTF-8;
 * - arrays are joined with `;` in one field, objects left in a field (such as `audit.details`) are JSON;
 * - formula injection (OWASP's characters, and the NUL that ASVS 5.0 V1.2.10 adds): a text field that starts
 *   with `=`, `+`, `-`, `@`, a tab, a carriage return or a NUL is prefixed with a single quote `'`, so no
 *   spreadsheet runs it. Numbers are written as numbers (a negative amount stays `-5`); every text field is
 *   checked, headers included (`'@timestamp`).
 */
export const BOM = '\uFEFF'
export const EOL = '\r\n'
export const ARRAY_SEPARATOR = ';'

const FORMULA_START = /^[=+\-@\t\r\0]/
const NEEDS_QUOTES = /[",;\r\n]/

/** Prefixes a text that a spreadsheet would take for a formula. */
export function neutralise (text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

/** RFC 4180 quoting. */
export function quote (text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function text (value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

/** One field: empty for a missing value, numbers and booleans as they are, text neutralised and quoted. */
export function csvField (value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return String(value)
  const s = Array.isArray(value) ? value.filter(v => v !== null && v !== undefined).map(text).join(ARRAY_SEPARATOR) : text(value)
  return quote(neutralise(s))
}

export function csvRecord (fields: readonly string[]): string {
  return fields.join(',') + EOL
}

export function csvHeader (columns: readonly Column[]): string {
  return csvRecord(columns.map(c => csvField(c.header)))
}

export function csvRow (doc: Record<string, unknown>, columns: readonly Column[]): string {
  let line = ''
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += ','
    line += csvField(valueAt(doc, (columns[i] as Column).path))
  }
  return line + EOL
}

/** The CSV text of pages of documents, one chunk per page, the header (and BOM) first. */
export async function * csvChunks (pages: AsyncIterable<Iterable<Record<string, unknown>>>, columns: readonly Column[], options: { bom?: boolean } = {}): AsyncGenerator<string | Buffer> {
  yield (options.bom === true ? BOM : '') + csvHeader(columns)
  const sink = new Utf8Sink()
  for await (const page of pages) {
    for (const doc of page) sink.write(csvRow(doc, columns))
    yield sink.take()
  }
}
