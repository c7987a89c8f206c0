import t from 'tap'
import { newValues } from '../../../src/watch/new-value.ts'

const pair = (user: string, value: string, lastTime = 10) => ({ user, value, firstTime: 5, lastTime, count: 1, sample: [`${user}-${value}`] })

t.test('a value the user never had, for users with a history', async t => {
  const pairs = [pair('u-1', 'NG'), pair('u-2', 'FR'), pair('u-3', 'US'), pair('u-4', 'BR')]
  const history = [
    { seen: false, known: true, previous: ['FR'] },
    { seen: true, known: true, previous: ['FR'] },
    { seen: false, known: false, previous: [] },
    { seen: false, known: true, previous: ['PT'] }
  ]
  t.same(newValues(pairs, history, true, () => undefined).map(p => [p.user, p.value, p.previous]), [['u-1', 'NG', ['FR']], ['u-4', 'BR', ['PT']]])
  t.same(newValues(pairs, history, false, () => undefined).map(p => p.user), ['u-1', 'u-3', 'u-4'], 'brand-new users too without requireHistory')
  t.same(newValues(pairs, history, true, u => u === 'u-1' ? 10 : undefined).map(p => p.user), ['u-4'], 'a pair an alert already covered')
})
