import t from 'tap'
import fc from 'fast-check'
import { DaySet } from '../../../src/entities/day-set.ts'

const of = (days: readonly number[]): DaySet => {
  const s = new DaySet()
  for (const d of days) s.add(d)
  return s
}

t.test('the same days in any order give the same set, bytes and text', async () => {
  await fc.assert(fc.property(fc.array(fc.integer({ min: -800, max: 30_000 }), { maxLength: 300 }), days => {
    const distinct = [...new Set(days)].sort((a, b) => a - b)
    const forward = of(days)
    const backward = of([...days].reverse())
    const merged = of(days.slice(0, days.length >> 1))
    merged.addAll(of(days.slice(days.length >> 1)))
    const decoded = DaySet.decode(forward.encode())
    return forward.size === distinct.length &&
      JSON.stringify([...forward.days()]) === JSON.stringify(distinct) &&
      [backward, merged, decoded].every(s => s.encode() === forward.encode() && s.size === distinct.length)
  }), { numRuns: 200 })
})

t.test('small and bounded: three years of daily activity', async t => {
  const s = of(Array.from({ length: 3 * 365 }, (_, i) => 20_000 + i))
  t.equal(s.size, 1095)
  t.ok(s.encode().length < 200, `${s.encode().length} characters`)
  t.equal(new DaySet().encode(), '')
  t.equal(DaySet.decode('').size, 0)
})
