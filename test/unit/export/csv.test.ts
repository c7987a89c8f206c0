import t from 'tap'
import fc from 'fast-check'
import { parse } from 'csv-parse/sync'
import { Utf8Sink } from '../../../src/export/utf8-sink.ts'
import { BOM, csvChunks, csvField, csvHeader, csvRow, neutralise, quote } from '../../../src/export/csv.ts'
import { expandColumns } from '../../../src/export/columns.ts'

async function text (chunks: AsyncIterable<string | Buffer>): Promise<string> {
  let out = ''
  for await (const c of chunks) out += c.toString()
  return out
}
async function * pages<T> (...ps: T[][]): AsyncGenerator<T[]> { for (const p of ps) yield p }

t.test('RFC 4180 quoting', async t => {
  t.equal(quote('plain'), 'plain')
  t.equal(quote('a,b'), '"a,b"')
  t.equal(quote('say "hi"'), '"say ""hi"""')
  t.equal(quote('two\nlines'), '"two\nlines"')
  t.equal(quote('cr\rhere'), '"cr\rhere"')
  t.equal(quote(''), '')
  t.equal(quote('a;b'), '"a;b"', 'a semicolon is a separator for Excel in many locales')
})

t.test('formula injection is neutralised with a leading quote', async t => {
  for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '\u0000=1+1', '=HYPERLINK("http://x","y")']) t.equal(neutralise(s), `'${s}`, JSON.stringify(s))
  for (const s of ['1+1', 'a=b', ' =1', 'x-1', "'quoted"]) t.equal(neutralise(s), s, `${JSON.stringify(s)} unchanged`)
  t.equal(csvField('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"', 'neutralised, then quoted')
  t.equal(csvField('\rx'), '"\'\rx"')
  t.equal(csvField('\tx'), "'\tx", 'a tab alone needs no quotes')
})

t.test('values: numbers stay numbers, arrays joined, objects as JSON, missing empty', async t => {
  t.equal(csvField(-5), '-5', 'a negative number is not neutralised')
  t.equal(csvField(1234.5), '1234.5')
  t.equal(csvField(Number.NaN), '')
  t.equal(csvField(true), 'true')
  t.equal(csvField(undefined), '')
  t.equal(csvField(null), '')
  t.equal(csvField(['a', 'b']), '"a;b"', 'joined with ";", so quoted')
  t.equal(csvField(['-1', 'b']), `"'-1;b"`, 'the joined text is checked')
  t.equal(csvField(['1.2.3.4', null, '5.6.7.8']), '"1.2.3.4;5.6.7.8"')
  t.equal(csvField('refund; bonus'), '"refund; bonus"')
  t.equal(csvField({ channel: 'app', n: 'x,y' }), '"{""channel"":""app"",""n"":""x,y""}"')
  t.equal(csvField('Zoë Müller, Ελένη'), '"Zoë Müller, Ελένη"')
})

t.test('rows follow the columns; nested fields become dotted headers', async t => {
  const errors: never[] = []
  const columns = expandColumns(['event.id', 'source.geo.location', 'audit.details.channel', 'related.ip'], errors)
  t.same(errors, [])
  t.equal(csvHeader(columns), 'event.id,source.geo.location.lat,source.geo.location.lon,audit.details.channel,related.ip\r\n')
  const doc = { event: { id: 'e-1' }, source: { geo: { location: { lat: 48.85, lon: 2.35 } } }, audit: { details: { channel: '+app' } }, related: { ip: ['1.1.1.1', '2.2.2.2'] } }
  t.equal(csvRow(doc, columns), "e-1,48.85,2.35,'+app,\"1.1.1.1;2.2.2.2\"\r\n")
  t.equal(csvRow({}, columns), ',,,,\r\n')
  t.equal(csvHeader(expandColumns(['@timestamp'], [])), "'@timestamp\r\n", 'headers are checked like any field')
})

t.test('chunks: optional BOM, header first, one chunk per page, CRLF records', async t => {
  const columns = expandColumns(['event.id', 'message'], [])
  const body = await text(csvChunks(pages([{ event: { id: 'a' }, message: 'x' }], [{ event: { id: 'b' }, message: 'y,z' }]), columns, { bom: true }))
  t.equal(body, `${BOM}event.id,message\r\na,x\r\nb,"y,z"\r\n`)
  t.equal(await text(csvChunks(pages(), columns)), 'event.id,message\r\n', 'an empty export is its header')
})

t.test('any text parses back with a standard parser, neutralised and nothing else', async () => {
  const columns = expandColumns(['event.id', 'message'], [])
  await fc.assert(fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }), { minLength: 1, maxLength: 20 }), async messages => {
    const docs = messages.map((m, i) => ({ event: { id: `e${i}` }, message: m }))
    const rows = parse(await text(csvChunks(pages(docs), columns)), { relax_column_count: false }) as string[][]
    const expected = messages.map((m, i) => [`e${i}`, /^[=+\-@\t\r\0]/.test(m) ? `'${m}` : m])
    return JSON.stringify(rows.slice(1)) === JSON.stringify(expected)
  }), { numRuns: 300 })
})

t.test('rows are written as UTF-8 into a buffer that grows as needed', async t => {
  const sink = new Utf8Sink(8)
  const parts = ['a', 'Ελένη,Zoë;', '😀'.repeat(50), '', 'Ж'.repeat(1000)]
  for (const p of parts) sink.write(p)
  t.equal(sink.take().toString('utf8'), parts.join(''))
  t.equal(sink.take().length, 0, 'taking empties the sink')
  sink.write('next')
  t.equal(sink.take().toString('utf8'), 'next')
})

t.test('no stored value makes the writer throw; every row parses back with one cell per column', async () => {
  const columns = expandColumns(['event.id', 'message', 'audit.details', 'related.ip', 'audit.money.amount'], [])
  const value = fc.oneof(fc.jsonValue(), fc.string({ unit: 'grapheme' }), fc.array(fc.oneof(fc.string(), fc.constant(null), fc.double())))
  await fc.assert(fc.asyncProperty(fc.array(fc.record({ message: value, details: value, ips: value, amount: value }), { maxLength: 10 }), async docs => {
    const body = await text(csvChunks(pages(docs.map((d, i) => ({ event: { id: `e${i}` }, message: d.message, audit: { details: d.details, money: { amount: d.amount } }, related: { ip: d.ips } }))), columns))
    const rows = parse(body) as string[][]
    return rows.length === docs.length + 1 && rows.every(r => r.length === columns.length)
  }), { numRuns: 500 })
  // A separator of any locale (",", ";"), a quote or a line break is only ever written inside quotes.
  fc.assert(fc.property(value, v => {
    const field = csvField(v)
    return !/[",;\r\n]/.test(field) || (field.startsWith('"') && field.endsWith('"') && !/(^|[^"])"([^"]|$)/.test(field.slice(1, -1)))
  }), { numRuns: 2000 })
  for (const odd of [Number.POSITIVE_INFINITY, -0, 1e308, '\u0000', '\uD800', { a: [1, { b: null }] }, [[1, 2], 'x;y'], '', ' ', '"']) csvField(odd)
})
