import t from 'tap'
import fc from 'fast-check'
import { BOM, csvChunks, csvField } from '../../../src/export/csv.ts'
import { expandColumns, type Column } from '../../../src/export/columns.ts'

// For any documents, the CSV export parses back, under a strict RFC 4180 parser written here, to exactly the
// cells the writer documents: quoted when (and only when) a cell holds `,` `;` `"` CR or LF, formula-leading
// text prefixed with `'`, numbers as numbers, arrays joined with `;`, objects as JSON, missing values empty.

interface Cell { text: string, quoted: boolean }

/**
 * Strict RFC 4180: every record ends with CRLF; a field is bare (no `"`, `,`, CR or LF) or quoted (opening `"`,
 * `""` for a quote, closing `"` followed by `,` or CRLF). Anything else throws with its position.
 */
function parseStrict (text: string): Cell[][] {
  const records: Cell[][] = []
  let record: Cell[] = []
  let i = 0
  while (i < text.length) {
    let cell: Cell
    if (text[i] === '"') {
      let value = ''
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('a quoted field is never closed')
        if (text[i] !== '"') { value += text[i]; continue }
        if (text[i + 1] !== '"') { i++; break }
        value += '"'
        i++
      }
      cell = { text: value, quoted: true }
    } else {
      const start = i
      while (i < text.length && !',\r\n'.includes(text[i] as string)) {
        if (text[i] === '"') throw new Error(`a quote inside a bare field at ${i}`)
        i++
      }
      cell = { text: text.slice(start, i), quoted: false }
    }
    record.push(cell)
    if (text[i] === ',') { i++; continue }
    if (text.startsWith('\r\n', i)) { records.push(record); record = []; i += 2; continue }
    throw new Error(`at ${i}, ${JSON.stringify(text.slice(i, i + 8))} after a field: want "," or CRLF`)
  }
  if (record.length > 0) throw new Error('the last record does not end with CRLF')
  return records
}

t.test('the strict parser itself refuses what RFC 4180 refuses', async t => {
  t.same(parseStrict('a,"b ""c""\r\nd"\r\n,\r\n'), [[{ text: 'a', quoted: false }, { text: 'b "c"\r\nd', quoted: true }], [{ text: '', quoted: false }, { text: '', quoted: false }]])
  for (const bad of ['a\r\n"b', 'a"b\r\n', '"a"b\r\n', 'a\nb\r\n', 'a\rb\r\n', 'a,b', '"a""\r\n']) t.throws(() => parseStrict(bad), JSON.stringify(bad))
})

// ---- What the writer documents, written from its description (src/export/csv.ts), not from its code.

const FORMULA_START = ['=', '+', '-', '@', '\t', '\r', '\0']
const NEEDS_QUOTES = /[",;\r\n]/

/** The value a column shows: under its path of plain objects, else missing. */
function at (doc: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((v, key) => v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined, doc)
}

/** The text UTF-8 can carry: a lone surrogate is written as U+FFFD. */
const asUtf8 = (s: string): string => Buffer.from(s, 'utf8').toString('utf8')

const isText = (v: unknown): boolean => v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'boolean'

function expectedCell (v: unknown): string {
  if (v === undefined || v === null) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return String(v)
  const one = (x: unknown): string => typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : JSON.stringify(x)
  const text = asUtf8(Array.isArray(v) ? v.filter(x => x !== null && x !== undefined).map(one).join(';') : one(v))
  return FORMULA_START.includes(text[0] ?? '') ? `'${text}` : text
}

// ---- Inputs: text made of what breaks CSV and spreadsheets, and documents shaped like stored events or not.

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"', ';', ',', '\n', '\r', '\r\n', '=', '+', '-', '@', '\t', "'", ' ', '""', '=HYPERLINK("http://x")', '-2+3', '\u2028', '\u0000', '\uFEFF', 'Zoë', 'Ελένη', '日本', '😀', '👩‍👩‍👧') },
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map(c => String.fromCharCode(c)) }
)
const text = fc.string({ unit: piece, maxLength: 12 })
const number = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, -5, 1e21, -1e-7))
const json = fc.jsonValue({ maxDepth: 2 })
const leaf = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, '') },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.array(fc.oneof(text, number, fc.constant(null), json), { maxLength: 4 }) },
  { weight: 2, arbitrary: fc.dictionary(text, fc.oneof(text, json), { maxKeys: 3 }) },
  { weight: 1, arbitrary: json }
)

const FIELDS = ['@timestamp', 'event.id', 'event.action', 'event.outcome', 'audit.category', 'audit.importance.level', 'user.id', 'user.email',
  'audit.actor.type', 'source.ip', 'source.geo', 'audit.session.id', 'audit.money', 'message', 'audit.details', 'audit.details.channel', 'related.ip', 'related.user']
const columnsArb = fc.subarray(FIELDS, { minLength: 1 }).map(fields => {
  const errors: unknown[] = []
  const columns = expandColumns(fields, errors as never[])
  if (errors.length > 0) throw new Error(JSON.stringify(errors))
  return columns
})

/** A document with a value (or none) under each column's path; sometimes a parent is not an object at all. */
function docArb (columns: readonly Column[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(fc.array(leaf, { minLength: columns.length, maxLength: columns.length }), fc.option(fc.tuple(fc.constantFrom('source', 'audit', 'user', 'event'), leaf), { nil: undefined }))
    .map(([values, odd]) => {
      const doc: Record<string, unknown> = {}
      columns.forEach((c, k) => {
        if (values[k] === undefined) return
        let node = doc
        for (const key of c.path.slice(0, -1)) {
          const next = node[key]
          if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {}
          node = node[key] as Record<string, unknown>
        }
        node[c.path.at(-1) as string] = values[k]
      })
      if (odd !== undefined) doc[odd[0]] = odd[1]
      return doc
    })
}

const exportArb = columnsArb.chain(columns => fc.record({
  columns: fc.constant(columns),
  docs: fc.array(docArb(columns), { maxLength: 8 }),
  pageSize: fc.integer({ min: 1, max: 4 }),
  bom: fc.boolean()
}))

async function csvOf (docs: Array<Record<string, unknown>>, columns: readonly Column[], pageSize: number, bom: boolean): Promise<string> {
  async function * pages (): AsyncGenerator<Array<Record<string, unknown>>> { for (let i = 0; i < docs.length; i += pageSize) yield docs.slice(i, i + pageSize) }
  let out = ''
  for await (const chunk of csvChunks(pages(), columns, { bom })) out += chunk.toString()
  return out
}

/** Why an export is not what the writer documents, or undefined when it is. */
async function problem (docs: Array<Record<string, unknown>>, columns: readonly Column[], pageSize = 2, bom = false): Promise<string | undefined> {
  let body = await csvOf(docs, columns, pageSize, bom)
  if (bom !== body.startsWith(BOM)) return 'byte order mark'
  if (bom) body = body.slice(BOM.length)
  const records = parseStrict(body)
  if (records.length !== docs.length + 1) return `${records.length} records for ${docs.length} documents`
  const sources: unknown[][] = [columns.map(c => c.header), ...docs.map(d => columns.map(c => at(d, c.path)))]
  for (const [r, record] of records.entries()) {
    const want = (sources[r] as unknown[]).map(expectedCell)
    if (JSON.stringify(record.map(c => c.text)) !== JSON.stringify(want)) return `record ${r}: ${JSON.stringify(record.map(c => c.text))}, want ${JSON.stringify(want)}`
    for (const [k, cell] of record.entries()) {
      if (cell.quoted !== NEEDS_QUOTES.test(cell.text)) return `record ${r}, cell ${k}: ${JSON.stringify(cell.text)} ${cell.quoted ? 'quoted without need' : 'not quoted'}`
      // The guarantee itself, stated apart: only a number written as a number may start like a formula.
      if (FORMULA_START.includes(cell.text[0] ?? '') && isText((sources[r] as unknown[])[k])) return `record ${r}, cell ${k}: ${JSON.stringify(cell.text)} starts a formula`
    }
  }
  return undefined
}

t.test('any documents: the export parses back strictly to the documented cells', async () => {
  await fc.assert(fc.asyncProperty(exportArb, async ({ docs, columns, pageSize, bom }) => {
    const found = await problem(docs, columns, pageSize, bom)
    if (found !== undefined) throw new Error(found)
  }), { numRuns: 1500 })
})

t.test('one field: any text is one cell, quoted when it must be, neutralised when it must be', async t => {
  const columns = expandColumns(['message'], [])
  fc.assert(fc.property(fc.oneof(text, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), s => {
    const [cell] = parseStrict(asUtf8(csvField(s)) + '\r\n')[0] as Cell[]
    return cell !== undefined && cell.text === expectedCell(s) && cell.quoted === NEEDS_QUOTES.test(cell.text)
  }), { numRuns: 3000 })
  t.equal(await problem([{ message: '=1+1' }, { message: 'a;b' }, { message: '\r\n' }, {}], columns), undefined)
})

t.test('regression: a text starting with NUL is neutralised (ASVS 5.0 V1.2.10; the writer let it through)', async t => {
  t.equal(csvField('\u0000=HYPERLINK("http://evil.example")'), '"\'\u0000=HYPERLINK(""http://evil.example"")"')
  t.equal(csvField(['\u0000-1', 'b']), '"\'\u0000-1;b"', 'the joined text of an array too')
  t.equal(await problem([{ message: '\u0000@SUM(A1)' }, { message: '\u0000' }], expandColumns(['message'], [])), undefined)
})

t.test('no value a document can hold makes the writer throw, and the record keeps one cell per column', async () => {
  const columns = expandColumns(['message', 'audit.details', 'related.ip'], [])
  // Documents come from JSON, so no BigInt (JSON.stringify refuses it); anything else JavaScript has is tried.
  const anything = fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withTypedArray: true, withDate: true, withObjectString: true })
  await fc.assert(fc.asyncProperty(fc.array(fc.tuple(anything, anything, anything), { maxLength: 5 }), async rows => {
    const docs = rows.map(([m, d, ip]) => ({ message: m, audit: { details: d }, related: { ip } }))
    const records = parseStrict(await csvOf(docs, columns, 2, false))
    return records.length === docs.length + 1 && records.every(r => r.length === columns.length)
  }), { numRuns: 1000 })
})
