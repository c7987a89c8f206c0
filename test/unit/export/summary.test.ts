import t from 'tap'
import { roundAmount, summaryOf } from '../../../src/export/summary.ts'

t.test('the summary reads the aggregations, ordered for reading', async t => {
  const s = summaryOf(10, {
    first: { value: Date.UTC(2026, 10, 1), value_as_string: '' },
    last: { value: Date.UTC(2026, 10, 2) },
    category: { buckets: [{ key: 'ui', doc_count: 2 }, { key: 'money', doc_count: 5 }, { key: 'authentication', doc_count: 2 }] },
    outcome: { buckets: [{ key: 'success', doc_count: 9 }, { key: 'failure', doc_count: 1 }] },
    importance: { buckets: [{ key: 'low', doc_count: 6 }, { key: 'critical', doc_count: 1 }, { key: 'medium', doc_count: 3 }] },
    money: { buckets: [{ key: 'EUR', doc_count: 5, direction: { buckets: [{ key: 'in', doc_count: 3, amount: { value: 0.1 + 0.2 } }, { key: 'other', doc_count: 1, amount: { value: 7 } }, { key: 'out', doc_count: 1, amount: { value: 10 } }] } }] }
  } as never)
  t.same(s.period, { first: '2026-11-01T00:00:00.000Z', last: '2026-11-02T00:00:00.000Z' })
  t.same(s.byCategory.map(c => c.key), ['money', 'authentication', 'ui'], 'by count, then name')
  t.same(s.byImportance.map(c => c.key), ['critical', 'medium', 'low'], 'most important first')
  t.same(s.money, [{ currency: 'EUR', in: 0.3, out: 10, other: 7, events: 5 }])
})

t.test('no events, no period', async t => {
  const s = summaryOf(0, { first: { value: null }, last: { value: null } } as never)
  t.same(s, { total: 0, period: { first: null, last: null }, byCategory: [], byOutcome: [], byImportance: [], money: [] })
  t.equal(roundAmount(1.000000004), 1)
  t.equal(roundAmount(0.123456789), 0.12345679)
})
