import t from 'tap'
import { eventLine, jsonArrayChunks, ndjsonChunks, serialised } from '../../../src/export/ndjson.ts'

async function text (chunks: AsyncIterable<string | Buffer>): Promise<string> {
  let out = ''
  for await (const c of chunks) out += c.toString()
  return out
}
async function * docs (...ps: Array<Array<Record<string, unknown>>>): AsyncGenerator<Array<Record<string, unknown>>> { for (const p of ps) yield p }
const pages = (...ps: Array<Array<Record<string, unknown>>>): AsyncGenerator<string[]> => serialised(docs(...ps))

const a = { '@timestamp': '2026-11-26T14:03:00.000Z', event: { id: 'a', action: 'login' }, message: 'Ελένη\nsecond line', user: { name: 'Zoë' } }
const b = { event: { id: 'b' }, audit: { money: { amount: 12.5, currency: 'EUR' } } }

t.test('NDJSON: one document per line, as stored', async t => {
  t.equal(eventLine(a), JSON.stringify(a) + '\n')
  const body = await text(ndjsonChunks(pages([a], [], [b])))
  t.equal(body, `${JSON.stringify(a)}\n${JSON.stringify(b)}\n`)
  t.same(body.trimEnd().split('\n').map(l => JSON.parse(l)), [a, b], 'a newline inside a value is escaped')
  t.equal(await text(ndjsonChunks(pages())), '')
  async function * stored (): AsyncGenerator<Buffer[]> { yield [Buffer.from('{"b":1,  "a":2}'), Buffer.from('{"x":"\\u00e9"}')] }
  t.equal(await text(ndjsonChunks(stored())), '{"b":1,  "a":2}\n{"x":"\\u00e9"}\n', 'stored text is written byte for byte, never re-serialised')
})

t.test('JSON: one array, streamed', async t => {
  t.same(JSON.parse(await text(jsonArrayChunks(pages([a], [b])))), [a, b])
  t.same(JSON.parse(await text(jsonArrayChunks(pages([a, b])))), [a, b])
  t.equal(await text(jsonArrayChunks(pages())), '[]\n')
  t.equal(await text(jsonArrayChunks(pages([], []))), '[]\n')
})
