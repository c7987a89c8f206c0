import t from 'tap'
import { RecentWrites } from '../../../src/indexer/recent-writes.ts'

t.test('recent writes are kept between one and two spans', async t => {
  let now = 0
  const recent = new RecentWrites(1000, () => now)
  recent.add('t/a', { index: 'jan', id: 't/a' })
  now = 999
  t.same(recent.get('t/a'), { index: 'jan', id: 't/a' })
  now = 1500
  t.same(recent.get('t/a'), { index: 'jan', id: 't/a' }, 'in the previous generation')
  recent.add('t/b', { index: 'feb', id: 't/b' })
  now = 2600
  t.equal(recent.get('t/a'), undefined, 'two spans later')
  t.same(recent.get('t/b'), { index: 'feb', id: 't/b' })
  now = 10_000
  t.equal(recent.get('t/b'), undefined, 'a long pause forgets everything')
  recent.add('t/c', { index: 'mar', id: 't/c' })
  recent.delete('t/c')
  t.equal(recent.get('t/c'), undefined)
})
