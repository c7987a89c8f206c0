import t from 'tap'
import { bulkRuns, MAX_BULK_BYTES } from '../../../src/store/bulk.ts'

t.test('a bulk is split into runs of at most the byte limit, in order; a larger document goes alone', async t => {
  const doc = (id: string, bytes: number) => ({ index: 'i', id, doc: 'x'.repeat(bytes) })
  const runs = bulkRuns([doc('a', 40), doc('b', 40), doc('c', 30), doc('d', 150), doc('e', 10), { index: 'i', id: 'f', doc: { small: true } }], 100)
  t.same(runs.map(r => r.map(d => d.id)), [['a', 'b'], ['c'], ['d'], ['e', 'f']])
  t.same(bulkRuns([]), [])
  t.equal(bulkRuns([doc('a', 10), doc('b', 10)]).length, 1, 'by default, runs of up to MAX_BULK_BYTES')
  t.equal(bulkRuns([doc('a', MAX_BULK_BYTES), doc('b', 1)]).length, 2)
})
