import t from 'tap'
import { BACK_PAGES, columnBoxes, EVENT_COLUMNS, fitText, formatAmount, FRONT_PAGES, PAGE, pageCount, pageLabel, rowsPerPage, TABLE, utcTime } from '../../../src/export/pdf-layout.ts'

const measure = (s: string): number => [...s].length * 5

t.test('columns share the width by weight, with gaps', async t => {
  const boxes = columnBoxes(36, 700, [1, 2, 1], 4)
  t.same(boxes.map(b => b.width), [173, 346, 173])
  t.same(boxes.map(b => b.x), [36, 213, 563])
  const all = columnBoxes(PAGE.margin, PAGE.width - 2 * PAGE.margin, EVENT_COLUMNS.map(c => c.weight))
  const last = all.at(-1) as { x: number, width: number }
  t.ok(Math.abs(last.x + last.width - (PAGE.width - PAGE.margin)) < 1e-6, 'the table ends at the right margin')
})

t.test('text is cut to fit, with an ellipsis, never inside a character', async t => {
  t.equal(fitText('short', 100, measure), 'short')
  t.equal(fitText('abcdefghij', 30, measure), 'abcde…', '5 characters and the ellipsis fill 30')
  t.equal(fitText('Ελένη Παπαδοπούλου', 40, measure), 'Ελένη П…'.replace('П', 'Π'))
  t.equal(fitText('😀😀😀😀', 15, measure), '😀😀…', 'surrogate pairs stay whole')
  t.equal(fitText('abc', 2, measure), '', 'nothing fits')
})

t.test('page count is known before writing: cover, summary, table pages, integrity page', async t => {
  const per = rowsPerPage()
  t.equal(per, Math.floor((PAGE.height - 2 * PAGE.margin - TABLE.titleHeight - TABLE.headerHeight - TABLE.footerHeight) / TABLE.rowHeight))
  t.equal(pageCount(0), FRONT_PAGES + 1 + BACK_PAGES, 'an empty table still has its page')
  t.equal(pageCount(1), 4)
  t.equal(pageCount(per), 4)
  t.equal(pageCount(per + 1), 5)
  t.equal(pageCount(10 * per, per), 13)
  t.equal(pageLabel(3, 12), 'Page 3 of 12')
})

t.test('event cells', async t => {
  t.equal(utcTime('2026-11-26T14:03:00.123Z'), '2026-11-26 14:03:00')
  t.equal(formatAmount(1234567.891), '1,234,567.891')
  t.equal(formatAmount(0.00000001, 'BTC'), '0.00000001 BTC')
  const doc = {
    '@timestamp': '2026-11-26T14:03:00.000Z', event: { action: 'withdrawal', outcome: 'success' }, message: 'two\nlines',
    user: { id: 'u-1', name: 'Ayşe Yılmaz' }, source: { ip: '81.2.69.142', geo: { country_iso_code: 'GB' } },
    audit: { importance: { level: 'high' }, actor: { type: 'operator', id: 'op-7' }, money: { amount: 1500, currency: 'EUR' } }
  }
  t.same(EVENT_COLUMNS.map(c => c.cell(doc)), ['2026-11-26 14:03:00', 'withdrawal', 'success', 'high', 'u-1 · Ayşe Yılmaz', 'operator op-7', '81.2.69.142', 'GB', '1,500 EUR', 'two lines'])
  t.same(EVENT_COLUMNS.map(c => c.cell({})), EVENT_COLUMNS.map(() => ''))
})
