import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Summary } from './summary.ts'
import { eventLine } from './ndjson.ts'
import { columnBoxes, EVENT_COLUMNS, fitText, formatAmount, PAGE, pageCount, pageLabel, rowsPerPage, TABLE, utcTime } from './pdf-layout.ts'

const require = createRequire(import.meta.url)

/**
 * DejaVu Sans, shipped by the dejavu-fonts-ttf package and embedded (subset) in every report, so Latin,
 * Greek and Cyrillic text (Zoë, Ayşe, Ελένη, Дмитрий) renders anywhere; the PDF base fonts cover Latin-1 only.
 */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  mono: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf')
}
type FontName = keyof typeof FONT_FILES
type Fonts = Record<FontName, PDFKit.Mixins.PDFFontSource>

/**
 * The fonts, parsed once per process: pdfkit takes a parsed fontkit font where it would otherwise parse the file
 * for every document (each document still embeds its own subset). Parsing and decoding the fonts' tables again
 * for each report was three quarters of its CPU (docs/benchmarks.md, exports).
 */
async function parseFonts (): Promise<Fonts> {
  const { create } = await import('fontkit')
  // pdfkit's types name files and buffers only; a fontkit font is what it turns them into.
  const parse = (name: FontName): PDFKit.Mixins.PDFFontSource => create(readFileSync(FONT_FILES[name])) as unknown as PDFKit.Mixins.PDFFontSource
  return { regular: parse('regular'), bold: parse('bold'), mono: parse('mono') }
}
let fonts: Promise<Fonts> | undefined
const loadFonts = async (): Promise<Fonts> => await (fonts ??= parseFonts())

/** Who exported what: the cover of the report. */
export interface ReportMeta {
  title: string
  exportedAt: string
  keyId: string
  tenant: string | null
  masked: boolean
  filters?: unknown
  query?: string
  timeZone?: string
  sort: string
}

/** Filled in once the report is written. */
export interface ReportResult { rows: number, eventsSha256: string }

export const INTEGRITY_DEFINITION = 'SHA-256 of the NDJSON of the exported events in report order: each event\'s stored JSON ' +
  'document (masked where the export is masked), without added spaces, followed by a line feed (0x0A). It equals ' +
  'sha256sum of an NDJSON export of the same request made while no matching event was added, and, in an evidence ' +
  'pack, the digest of events.ndjson listed in manifest.json.'

type Doc = PDFKit.PDFDocument
const W = PAGE.width - 2 * PAGE.margin
const GREY = '#555555'

function * drain (doc: Doc): Generator<Buffer> {
  let chunk: Buffer | null
  while ((chunk = doc.read() as Buffer | null) !== null) yield chunk
}

function footer (doc: Doc, meta: ReportMeta, page: number, total: number): void {
  const y = PAGE.height - PAGE.margin - 8
  doc.font('body').fontSize(7).fillColor(GREY)
  doc.text(`${meta.title} · exported ${meta.exportedAt} by key ${meta.keyId}`, PAGE.margin, y, { lineBreak: false })
  const label = pageLabel(page, total)
  doc.text(label, PAGE.width - PAGE.margin - doc.widthOfString(label), y, { lineBreak: false })
  doc.fillColor('black')
}

function heading (doc: Doc, text: string, y: number, size = 16): void {
  doc.font('bold').fontSize(size).fillColor('black').text(text, PAGE.margin, y, { lineBreak: false })
}

const LABEL = 170

/** A labelled value, wrapped over at most `lines` lines (cut with an ellipsis beyond); returns the y below it. */
function field (doc: Doc, label: string, value: string, y: number, lines = 1): number {
  doc.font('bold').fontSize(9).text(label, PAGE.margin, y, { lineBreak: false })
  doc.font('body').fontSize(9)
  const width = W - LABEL
  const height = Math.min(lines * 12, Math.max(12, doc.heightOfString(value, { width })))
  doc.text(value, PAGE.margin + LABEL, y, { width, height, ellipsis: true })
  return y + height + 6
}

function cover (doc: Doc, meta: ReportMeta, s: Summary): void {
  heading(doc, meta.title, PAGE.margin, 22)
  let y = PAGE.margin + 44
  y = field(doc, 'Exported by', `API key ${meta.keyId}${meta.tenant === null ? ' (platform)' : ` of tenant ${meta.tenant}`}`, y)
  y = field(doc, 'Exported at', `${meta.exportedAt} (UTC)`, y)
  y = field(doc, 'Events', s.total.toLocaleString('en-US'), y)
  y = field(doc, 'Period covered', s.period.first === null ? 'no events' : `${utcTime(s.period.first)} to ${utcTime(s.period.last ?? '')} (UTC)`, y)
  y = field(doc, 'Filters', meta.filters === undefined ? 'none' : JSON.stringify(meta.filters, null, 1).replace(/\n\s*/g, ' '), y, 10)
  y = field(doc, 'KQL query', meta.query === undefined || meta.query.trim() === '' ? 'none' : meta.query, y, 8)
  if (meta.timeZone !== undefined) y = field(doc, 'Time zone of the query', meta.timeZone, y)
  y = field(doc, 'Order', meta.sort, y)
  y = field(doc, 'Personal data', meta.masked ? 'masked (emails, addresses and names are partly hidden)' : 'in clear', y)
  field(doc, 'Integrity', 'the SHA-256 of the exported events is on the last page, with its definition', y)
}

/** A two-column table of label and value rows; returns the y below it. */
function smallTable (doc: Doc, title: string, x: number, y: number, width: number, header: string[], rows: string[][]): number {
  doc.font('bold').fontSize(11).text(title, x, y, { lineBreak: false })
  y += 18
  const boxes = columnBoxes(x, width, header.map((_, i) => i === 0 ? 2 : 1))
  const line = (cells: string[], font: string): void => {
    doc.font(font).fontSize(8.5)
    cells.forEach((c, i) => {
      const box = boxes[i] as { x: number, width: number }
      const text = fitText(c, box.width, s => doc.widthOfString(s))
      doc.text(text, i === 0 ? box.x : box.x + box.width - doc.widthOfString(text), y, { lineBreak: false })
    })
    y += 13
  }
  line(header, 'bold')
  doc.moveTo(x, y - 2).lineTo(x + width, y - 2).lineWidth(0.5).strokeColor(GREY).stroke()
  for (const r of rows) line(r, 'body')
  return y + 12
}

function summaryPage (doc: Doc, s: Summary): void {
  heading(doc, 'Summary', PAGE.margin)
  const top = PAGE.margin + 34
  const half = (W - 24) / 2
  const n = (x: number): string => x.toLocaleString('en-US')
  let y = smallTable(doc, 'By category', PAGE.margin, top, half, ['Category', 'Events'], s.byCategory.map(c => [c.key, n(c.count)]))
  y = smallTable(doc, 'By outcome', PAGE.margin, y, half, ['Outcome', 'Events'], s.byOutcome.map(c => [c.key, n(c.count)]))
  smallTable(doc, 'By importance', PAGE.margin, y, half, ['Level', 'Events'], s.byImportance.map(c => [c.key, n(c.count)]))
  const room = Math.floor((PAGE.height - 2 * PAGE.margin - 34 - 60) / 13)
  const money = s.money.slice(0, room)
  const right = PAGE.margin + half + 24
  const end = smallTable(doc, 'Money per currency (in and out of users\' balances)', right, top, half, ['Currency', 'In', 'Out', 'Other', 'Events'],
    money.map(m => [m.currency, formatAmount(m.in), formatAmount(m.out), formatAmount(m.other), n(m.events)]))
  if (s.money.length > money.length) {
    doc.font('body').fontSize(8).text(`and ${s.money.length - money.length} more currencies (summary.json of an evidence pack lists them all)`, right, end, { lineBreak: false })
  }
}

function tableHeader (doc: Doc, boxes: Array<{ x: number, width: number }>, first: number, total: number): number {
  const last = Math.min(total, first + rowsPerPage() - 1)
  doc.font('bold').fontSize(11).text(`Events ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`, PAGE.margin, PAGE.margin, { lineBreak: false })
  const y = PAGE.margin + TABLE.titleHeight
  doc.rect(PAGE.margin, y, W, TABLE.headerHeight).fill('#dddddd').fillColor('black')
  doc.font('bold').fontSize(TABLE.fontSize)
  EVENT_COLUMNS.forEach((c, i) => {
    const box = boxes[i] as { x: number, width: number }
    doc.text(c.header, c.align === 'right' ? box.x + box.width - doc.widthOfString(c.header) : box.x, y + 3.5, { lineBreak: false })
  })
  doc.font('body').fontSize(TABLE.fontSize)
  return y + TABLE.headerHeight
}

function row (doc: Doc, boxes: Array<{ x: number, width: number }>, event: Record<string, unknown>, y: number, shaded: boolean): void {
  if (shaded) doc.rect(PAGE.margin, y, W, TABLE.rowHeight).fill('#f3f3f3').fillColor('black')
  EVENT_COLUMNS.forEach((c, i) => {
    const box = boxes[i] as { x: number, width: number }
    const text = fitText(c.cell(event), box.width, s => doc.widthOfString(s))
    if (text !== '') doc.text(text, c.align === 'right' ? box.x + box.width - doc.widthOfString(text) : box.x, y + 2.5, { lineBreak: false })
  })
}

function integrityPage (doc: Doc, rows: number, sha256: string): void {
  heading(doc, 'Integrity', PAGE.margin)
  let y = PAGE.margin + 40
  y = field(doc, 'Events in this report', rows.toLocaleString('en-US'), y)
  doc.font('bold').fontSize(9).text('SHA-256 of the exported data', PAGE.margin, y, { lineBreak: false })
  doc.font('mono').fontSize(10).text(sha256, PAGE.margin + LABEL, y, { lineBreak: false })
  y += 24
  field(doc, 'Definition', INTEGRITY_DEFINITION, y, 6)
}

/**
 * The PDF report, written as the events arrive: cover, summary, the event table (repeated header, page
 * numbers known in advance from the snapshot's count) and the integrity page. Pages are handed over as
 * they are finished, so memory does not grow with the number of events.
 */
export async function * pdfReport (meta: ReportMeta, summary: Summary, pages: AsyncIterable<Iterable<Record<string, unknown>>>, result: ReportResult): AsyncGenerator<Buffer> {
  // Loaded on the first report: a process that never writes one does not hold pdfkit or the fonts.
  const f = await loadFonts()
  const { default: PDFDocument } = await import('pdfkit')
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height], margin: PAGE.margin, font: f.regular as string, bufferPages: false,
    info: { Title: meta.title, Author: `Sillage, API key ${meta.keyId}`, Creator: 'Sillage', CreationDate: new Date(meta.exportedAt) }
  })
  doc.registerFont('body', f.regular)
  doc.registerFont('bold', f.bold)
  doc.registerFont('mono', f.mono)
  const total = pageCount(summary.total)
  const perPage = rowsPerPage()
  const boxes = columnBoxes(PAGE.margin, W, EVENT_COLUMNS.map(c => c.weight))
  const hash = createHash('sha256')
  let page = 1
  const next = (): void => { doc.addPage(); page++ }

  cover(doc, meta, summary)
  footer(doc, meta, page, total)
  next()
  summaryPage(doc, summary)
  footer(doc, meta, page, total)
  yield * drain(doc)

  let rows = 0
  let y = 0
  for await (const events of pages) {
    for (const event of events) {
      hash.update(eventLine(event))
      if (rows % perPage === 0) {
        next()
        y = tableHeader(doc, boxes, rows + 1, summary.total)
        footer(doc, meta, page, total)
        doc.font('body').fontSize(TABLE.fontSize)
      }
      row(doc, boxes, event, y, rows % 2 === 1)
      y += TABLE.rowHeight
      rows++
    }
    yield * drain(doc)
  }
  if (rows === 0) {
    next()
    heading(doc, 'Events', PAGE.margin, 11)
    doc.font('body').fontSize(9).text('No event matches this export.', PAGE.margin, PAGE.margin + 30, { lineBreak: false })
    footer(doc, meta, page, total)
  }
  result.rows = rows
  result.eventsSha256 = hash.digest('hex')
  next()
  integrityPage(doc, rows, result.eventsSha256)
  footer(doc, meta, page, total)
  doc.end()
  yield * drain(doc)
}
