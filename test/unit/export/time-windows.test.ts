import t from 'tap'
import { TimeWindows } from '../../../src/store/events/events-export.ts'

const rangeOf = (w: TimeWindows): { gte: number, lte: number } => {
  const { gte, lte } = (w.range() as { range: { '@timestamp': { gte: number, lte: number } } }).range['@timestamp']
  return { gte, lte }
}

t.test('newest first: windows follow the last event read and widen on short pages', async t => {
  const w = new TimeWindows('desc', { min: 0, max: 10_000, count: 1000 }, 100)
  t.same(rangeOf(w), { gte: 10_000 - 1501, lte: 10_000 }, 'about one and a half pages at the average pace')
  t.equal(w.next(100, 9_800), true, 'a full page: go on')
  t.same(rangeOf(w), { gte: 9_800 - 300, lte: 9_800 }, 'sized from the 200 ms the page spanned')
  t.equal(w.next(40, 9_600), true, 'a short page: the window is exhausted, not the data')
  t.same(rangeOf(w), { gte: 9_600 - 600, lte: 9_600 })
  t.equal(w.next(0, undefined), true)
  t.same(rangeOf(w), { gte: 9_600 - 1200, lte: 9_600 }, 'an empty window widens again')
  const end = new TimeWindows('desc', { min: 0, max: 100, count: 10 }, 100)
  t.ok(rangeOf(end).gte <= 0, 'a small set fits one window')
  t.equal(end.next(10, 3), false, 'a short page past the first event ends the walk')
})

t.test('oldest first mirrors it', async t => {
  const w = new TimeWindows('asc', { min: 1000, max: 2000, count: 10 }, 5)
  t.same(rangeOf(w), { gte: 1000, lte: 1000 + 751 })
  t.equal(w.next(5, 1100), true)
  t.same(rangeOf(w), { gte: 1100, lte: 1100 + 150 })
  t.equal(w.next(2, 1200), true)
  t.same(rangeOf(w), { gte: 1200, lte: 1200 + 300 })
  t.equal(w.next(0, undefined), true)
  t.same(rangeOf(w), { gte: 1200, lte: 1800 })
  t.equal(w.next(0, undefined), true)
  t.equal(w.next(0, undefined), false, 'past the last event')
})
