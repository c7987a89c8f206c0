import t from 'tap'
import { approxTime, histogramInterval } from '../../../console/src/app/period.ts'

const NOW = Date.parse('2026-12-04T17:40:12.345Z')
const D = 86_400_000

t.test('date math is rounded as a period\'s start, or up to the unit\'s end as its end', async t => {
  t.equal(approxTime('now', NOW), NOW)
  t.equal(approxTime('now-7d', NOW), NOW - 7 * D)
  t.equal(approxTime('now/d', NOW), Date.parse('2026-12-04T00:00:00.000Z'))
  t.equal(approxTime('now/d', NOW, true), Date.parse('2026-12-04T23:59:59.999Z'))
  t.equal(approxTime('now-1d/d', NOW), Date.parse('2026-12-03T00:00:00.000Z'))
  t.equal(approxTime('now/h', NOW, true), Date.parse('2026-12-04T17:59:59.999Z'))
  t.equal(approxTime('2026-12-01T10:00:00Z', NOW, true), Date.parse('2026-12-01T10:00:00Z'), 'an ISO time as it is')
  t.equal(approxTime('yesterday', NOW), undefined)
})

t.test('the histogram\'s interval draws the whole period in at most the bars asked for, rounded periods included', async t => {
  t.same(histogramInterval('now-15m', 'now'), { name: 'minute', ms: 60_000 })
  t.same(histogramInterval('now/d', 'now/d'), { name: '15m', ms: 900_000 }, 'today: a whole day, not a minute')
  for (const [from, to] of [['now/d', 'now/d'], ['now/w', 'now/w'], ['now/M', 'now/M'], ['now-1y/y', 'now/y'], ['now-30d', 'now']] as const) {
    const { ms } = histogramInterval(from, to)
    const span = (approxTime(to, Date.now(), true) as number) - (approxTime(from) as number)
    t.ok(span / ms <= 120, `${from} to ${to}: ${Math.ceil(span / ms)} bars`)
  }
})
