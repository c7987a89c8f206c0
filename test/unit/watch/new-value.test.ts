import t from 'tap'
import { newValues } from '../../../src/watch/new-value.ts'
import type { KeyState } from '../../../src/store/system/alert-keys-store.ts'

const pair = (user: string, value: string, firstTime = 5, lastTime = 10) => ({ user, value, firstTime, lastTime, count: 1, sample: [`${user}-${value}`] })
const key = (s: Partial<KeyState>): KeyState => ({ open_alert_id: null, last_raised_at: null, covered_to: null, mark: null, ...s })
const DAYS = 100

t.test('a value the user never had, for users with a history', async t => {
  const pairs = [pair('u-1', 'NG'), pair('u-2', 'FR'), pair('u-3', 'US'), pair('u-4', 'BR')]
  const history = [
    { seen: false, known: true, previous: ['FR'] },
    { seen: true, known: true, previous: ['FR'] },
    { seen: false, known: false, previous: [] },
    { seen: false, known: true, previous: ['PT'] }
  ]
  t.same(newValues(pairs, history, true, DAYS, () => undefined).map(p => [p.user, p.value, p.previous]), [['u-1', 'NG', ['FR']], ['u-4', 'BR', ['PT']]])
  t.same(newValues(pairs, history, false, DAYS, () => undefined).map(p => p.user), ['u-1', 'u-3', 'u-4'], 'brand-new users too without requireHistory')
})

t.test('a value an alert of the user reported is not new again within the days', async t => {
  const history = { seen: false, known: true, previous: ['FR'] }
  const reported = key({ covered_to: 10, covered_values: { NG: 10, constructor: 1 } })
  const found = (p: ReturnType<typeof pair>, k: KeyState): string[] => newValues([p], [history], true, DAYS, () => k).map(p => p.value)
  t.same(found(pair('u-1', 'NG', 5, 40), reported), [], 'the reported event read again with a later one')
  t.same(found(pair('u-1', 'NG', 10 + DAYS, 10 + DAYS), reported), [], 'within the days after it')
  t.same(found(pair('u-1', 'NG', 11 + DAYS, 11 + DAYS), reported), ['NG'], 'after the days: new again')
  t.same(found(pair('u-1', 'US', 2, 3), reported), ['US'], 'another value, though older than what the alert covered')
  t.same(found(pair('u-1', 'toString'), key({ covered_values: {} })), ['toString'], 'values are the key\'s own, not inherited names')
  t.same(found(pair('u-1', 'US', 2, 10), key({ covered_to: 10 })), [], 'keys without values: the user\'s whole coverage')
  t.same(found(pair('u-1', 'US', 2, 11), key({ covered_to: 10 })), ['US'])
})
