import t from 'tap'
import { ambiguousAmount, parseAmount, readState, toFilters } from '../../../console/src/app/discover-state.ts'
import { csvColumns } from '../../../console/src/features/exports/csv-columns.ts'
import { expandColumns } from '../../../src/export/columns.ts'
import { EVENT_FIELDS } from '../../../src/query/fields.ts'
import type { FieldError } from '../../../src/errors.ts'

t.test('an amount is read with a decimal point or comma; anything else is no amount', async t => {
  for (const [typed, value] of [['1500', 1500], ['12.50', 12.5], ['1,5', 1.5], [' 0,25 ', 0.25], ['-3', -3], ['1,5000', 1.5], ['.5', 0.5]] as const) {
    t.equal(parseAmount(typed), value, `"${typed}"`)
  }
  for (const typed of ['', 'abc', '1.2.3', '1,2,3', '12 €', '1e3', '1 500', 'Infinity', '0x10']) t.equal(parseAmount(typed), null, `"${typed}" is refused`)
  // Three digits after a lone comma: thousands (1,500) or decimals (1,500 = 1.5)? Neither is assumed.
  t.equal(parseAmount('1,500'), null)
  t.ok(ambiguousAmount('1,500'))
  t.notOk(ambiguousAmount('1,50'))
})

t.test('the search carries the amounts read, and leaves out one that is not a number', async t => {
  const period = { from: 'now-24h', to: 'now', timeZone: 'UTC' }
  t.same(toFilters(readState(new URLSearchParams('amountMin=1,5&amountMax=20')), 'UTC'), { period, amount: { gte: 1.5, lte: 20 } })
  t.same(toFilters(readState(new URLSearchParams('amountMin=lots')), 'UTC'), { period }, 'never null, which the API refuses')
})

t.test('every column the table offers is one a CSV export accepts', async t => {
  // What GET /v1/fields lists (src/http/routes/me.ts): every field but the flattened ones.
  const offered = [...EVENT_FIELDS.values()].filter(f => f.type !== 'flattened').map(f => f.name)
  const names = new Set(offered)
  const errors: FieldError[] = []
  expandColumns(csvColumns(offered, names), errors)
  t.same(errors, [])
  t.same(csvColumns(['@timestamp', 'user.name', 'user.name.text', 'source.geo', 'audit.details.channel'], names), ['@timestamp', 'user.name', 'source.geo', 'audit.details.channel'], 'a multi-field is its field, once')
})
