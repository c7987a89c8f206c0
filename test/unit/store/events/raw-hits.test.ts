import t from 'tap'
import fc from 'fast-check'
import { skipValue, splitHits } from '../../../../src/store/events/raw-hits.ts'

/** A search response as Elasticsearch writes it: hit fields in its order, documents as they were indexed. */
function response (docs: unknown[], opts: { pit?: string, pitAtEnd?: boolean } = {}): string {
  const hits = docs.map((doc, i) => `{"_index":"p-events-2026.11.01","_id":${JSON.stringify(`id-"${i}\\`)},"_score":null,"_source":${JSON.stringify(doc)},"sort":[${1764000000000 - i},"e\\"${i}"]}`)
  const pit = opts.pit === undefined ? '' : `"pit_id":${JSON.stringify(opts.pit)}`
  const head = opts.pit !== undefined && opts.pitAtEnd !== true ? `{${pit},` : '{'
  const tail = opts.pit !== undefined && opts.pitAtEnd === true ? `,${pit}}` : '}'
  return `${head}"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":${docs.length},"relation":"eq"},"max_score":null,"hits":[${hits.join(',')}]}${tail}`
}

t.test('documents come out as the exact text returned, whatever they hold', async t => {
  // Keys and strings that look like the hit's own fields, quotes, backslashes, brackets, any Unicode.
  const tricky = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('"_source":', '","sort":[1]', '\\', '\\"', '}]}', '{"_source":{}}', '"pit_id":"x"'))
  const doc = fc.dictionary(tricky, fc.oneof(tricky, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.array(tricky), fc.dictionary(tricky, tricky)))
  fc.assert(fc.property(fc.array(doc, { maxLength: 8 }), fc.boolean(), (docs, pitAtEnd) => {
    const raw = splitHits(Buffer.from(response(docs, { pit: 'pit=+/"x', pitAtEnd })))
    t.same(raw.sources.map(b => b.toString('utf8')), docs.map(d => JSON.stringify(d)))
    t.same(raw.lastSort, docs.length === 0 ? undefined : [1764000000000 - docs.length + 1, `e"${docs.length - 1}`])
    t.equal(raw.pitId, 'pit=+/"x')
  }), { numRuns: 300, seed: 20261126 })
})

t.test('a response without a point in time, and without sort values', async t => {
  const text = '{"took":1,"hits":{"hits":[{"_index":"i","_id":"a","_score":1.0,"_source":{"a":[1,{"b":"]"}]}}]}}'
  const raw = splitHits(Buffer.from(text))
  t.same({ sources: raw.sources.map(b => b.toString()), lastSort: raw.lastSort, pitId: raw.pitId }, { sources: ['{"a":[1,{"b":"]"}]}'], lastSort: undefined, pitId: undefined })
  t.throws(() => splitHits(Buffer.from('{"took":1}')), /without hits/)
  t.throws(() => splitHits(Buffer.from('{"hits":{"hits":[{"_source":{"a":"unterminated')), /unterminated/)
})

t.test('values are skipped by structure', async t => {
  const skip = (text: string): number => skipValue(Buffer.from(text), 0)
  t.equal(skip('"a\\\\"x'), 5, 'an escaped backslash ends at the next quote')
  t.equal(skip('"a\\"b"x'), 6, 'an escaped quote does not end the string')
  t.equal(skip('-12.5e3,'), 7)
  t.equal(skip('[{"]":"["},[]]x'), 14)
  t.equal(skip('"Жé\\"€"x'), Buffer.byteLength('"Жé\\"€"'), 'positions are in bytes, multi-byte characters included')
})
