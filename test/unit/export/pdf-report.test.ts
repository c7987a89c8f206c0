import t from 'tap'
import { createHash } from 'node:crypto'
import { pdfReport, type ReportResult } from '../../../src/export/pdf-report.ts'
import { pageCount, rowsPerPage } from '../../../src/export/pdf-layout.ts'
import type { Summary } from '../../../src/export/summary.ts'
import { pdfText } from './read-files.ts'

const NAMES = ['Zoë Müller', 'Ayşe Yılmaz', 'Ελένη Παπαδοπούλου', 'Дмитрий Иванов', 'François Lefèvre']
const docs = (n: number): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => ({
  '@timestamp': new Date(Date.UTC(2026, 10, 26, 14, 0, i)).toISOString(), event: { id: `e-${i}`, action: 'deposit', outcome: 'success' },
  user: { id: `u-${i}`, name: NAMES[i % NAMES.length] }, audit: { money: { amount: 10 + i, currency: 'EUR' } }, message: `${NAMES[i % NAMES.length] as string} m ${i}`
}))
const summaryOf = (total: number): Summary => ({
  total, period: { first: '2026-11-26T14:00:00.000Z', last: '2026-11-26T15:00:00.000Z' },
  byCategory: [{ key: 'money', count: total }], byOutcome: [{ key: 'success', count: total }], byImportance: [{ key: 'medium', count: total }],
  money: [{ currency: 'EUR', in: 123.45, out: 0, other: 0, events: total }]
})
const meta = { title: 'Rapport d\'export — Ελένη', exportedAt: '2026-11-26T15:00:00.000Z', keyId: 'k-1', tenant: 'brand-a', masked: false, query: 'user.name:"Zoë Müller"', sort: '@timestamp descending' }

async function render (events: Array<Record<string, unknown>>, pageSize = 40): Promise<{ pdf: Buffer, result: ReportResult }> {
  async function * pages (): AsyncGenerator<Array<Record<string, unknown>>> { for (let i = 0; i < events.length; i += pageSize) yield events.slice(i, i + pageSize) }
  const result: ReportResult = { rows: 0, eventsSha256: '' }
  const chunks: Buffer[] = []
  for await (const c of pdfReport(meta, summaryOf(events.length), pages(), result)) chunks.push(c)
  return { pdf: Buffer.concat(chunks), result }
}

t.test('a report renders Unicode with the embedded font, numbers its pages and states the hash', async t => {
  const events = docs(rowsPerPage() + 5)
  const { pdf, result } = await render(events)
  const raw = pdf.toString('latin1')
  t.match(raw, /\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/)
  t.match(raw, /\/FontFile2/, 'a TrueType font program is embedded')
  t.notMatch(raw, /Helvetica/)
  const { text, pages } = await pdfText(pdf)
  t.equal(pages, pageCount(events.length), 'the page count planned is the page count written')
  for (const name of NAMES) t.ok(text.includes(name), name)
  t.ok(text.includes('Rapport d\'export — Ελένη'))
  t.ok(text.includes(`Page ${pages} of ${pages}`))
  t.match(text, new RegExp(`Events 1–${rowsPerPage()} of ${events.length}`), 'the table header repeats with its range')
  t.match(text, new RegExp(`Events ${rowsPerPage() + 1}–${events.length} of ${events.length}`))
  const expected = createHash('sha256').update(events.map(e => JSON.stringify(e) + '\n').join('')).digest('hex')
  t.same(result, { rows: events.length, eventsSha256: expected })
  t.ok(text.replace(/\s/g, '').includes(expected), 'the integrity page holds the hash')
})

t.test('an empty report says so', async t => {
  const { pdf, result } = await render([])
  const { text, pages } = await pdfText(pdf)
  t.equal(pages, 4)
  t.ok(text.includes('No event matches this export.'))
  t.equal(result.eventsSha256, createHash('sha256').digest('hex'))
})

t.test('reports written at the same time share the parsed fonts, and each comes out as it does alone', async t => {
  // Only the file identifier, made of random bytes, differs between two writes of one report.
  const body = (pdf: Buffer): string => pdf.toString('latin1').replace(/\/ID \[[^\]]*\]/, '')
  const unicode = docs(60)
  const latin = docs(60).map(e => ({ ...e, user: { id: 'u-latin', name: 'Plain Latin' }, message: 'plain' }))
  const [aloneUnicode, aloneLatin] = [await render(unicode, 7), await render(latin, 7)]
  const [unicodeBeside, latinBeside] = await Promise.all([render(unicode, 7), render(latin, 7)])
  t.equal(body(unicodeBeside.pdf), body(aloneUnicode.pdf), 'the same bytes as the report written alone')
  t.equal(body(latinBeside.pdf), body(aloneLatin.pdf), 'and no glyph of the other report in its embedded subset')
  t.not(body(aloneUnicode.pdf), body(aloneLatin.pdf))
})
