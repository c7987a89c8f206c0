import t from 'tap'
import { LoginStarts } from '../../../src/auth/login-starts.ts'

t.test('sign-ins begun are bounded per address and in all, a minute at a time', async t => {
  let now = 1_000_000
  const starts = new LoginStarts(3, 5, { now: () => now })
  t.same([1, 2, 3].map(() => starts.take('10.0.0.1')), [0, 0, 0])
  t.equal(starts.take('10.0.0.1'), 60, 'a fourth from the same address waits for the minute to end')
  now += 20_000
  t.equal(starts.take('10.0.0.1'), 40)
  t.same([starts.take('10.0.0.2'), starts.take('10.0.0.3')], [0, 0], 'other addresses go on')
  t.equal(starts.take('10.0.0.4'), 40, 'until the overall bound')
  now += 40_000
  t.equal(starts.take('10.0.0.1'), 0, 'a new minute, a new count')
})
