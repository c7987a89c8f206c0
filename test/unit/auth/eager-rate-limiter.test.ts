import t from 'tap'
import { EagerRateLimiter } from '../../../src/auth/eager-rate-limiter.ts'
import type { RateBudget, RateDecision } from '../../../src/auth/rate-limiter.ts'

const LIMIT = 10

/** The shared per-minute count, in memory; `hold` keeps answers back until `release` to model a slow Redis. */
function counter (clock: { now: () => number }): RateBudget & { counted: number, hold: boolean, release: () => void, fail: boolean } {
  const used = new Map<string, number>()
  const held: Array<() => void> = []
  const c = {
    counted: 0,
    hold: false,
    fail: false,
    release: () => { for (const go of held.splice(0)) go() },
    take: async (id: string): Promise<RateDecision> => {
      if (c.fail) throw new Error('Redis is away')
      const window = Math.floor(clock.now() / 60_000)
      const n = (used.get(`${id}:${window}`) ?? 0) + 1
      used.set(`${id}:${window}`, n)
      c.counted++
      if (c.hold) await new Promise<void>(resolve => held.push(resolve))
      return { allowed: n <= LIMIT, limit: LIMIT, remaining: Math.max(0, LIMIT - n), retryAfterSeconds: 1 }
    }
  }
  return c
}

const settle = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

t.test('one request after another: exactly the budget passes, and every request is counted', async t => {
  const clock = { now: () => Date.parse('2026-12-02T10:00:05Z') }
  const exact = counter(clock)
  const limiter = new EagerRateLimiter(exact, LIMIT, clock)
  const allowed: boolean[] = []
  for (let i = 0; i < 14; i++) { allowed.push((await limiter.take('k')).allowed); await settle() }
  t.same(allowed, [...Array(LIMIT).fill(true), false, false, false, false])
  t.equal(exact.counted, 14)
})

t.test('below half the budget a request does not wait for the count; from half on it does', async t => {
  const clock = { now: () => Date.parse('2026-12-02T10:00:05Z') }
  const exact = counter(clock)
  const limiter = new EagerRateLimiter(exact, LIMIT, clock)
  await limiter.take('k') // the first request of a key waits: nothing is known of it yet
  exact.hold = true
  const early = await Promise.race([limiter.take('k').then(() => 'answered'), settle().then(() => 'waiting')])
  t.equal(early, 'answered', 'the second request passes before its count returns')
  const pending: Array<Promise<RateDecision>> = []
  for (let i = 0; i < 5; i++) pending.push(limiter.take('k'))
  const states = await Promise.all(pending.map(async p => await Promise.race([p.then(() => 'answered'), settle().then(() => 'waiting')])))
  t.same(states, ['answered', 'answered', 'answered', 'waiting', 'waiting'], 'requests pass at once while the known count stays within half the budget, then each waits')
  exact.release(); await settle(); exact.release()
  t.same((await Promise.all(pending)).map(d => d.allowed), [true, true, true, true, true])
})

t.test('a flood of concurrent requests never passes more than the budget on one instance', async t => {
  const clock = { now: () => Date.parse('2026-12-02T10:00:05Z') }
  const exact = counter(clock)
  const limiter = new EagerRateLimiter(exact, LIMIT, clock)
  await limiter.take('k')
  const decisions = await Promise.all(Array.from({ length: 200 }, async () => await limiter.take('k')))
  t.equal(decisions.filter(d => d.allowed).length + 1, LIMIT)
  await settle()
  t.equal(exact.counted, 201)
})

t.test('a new minute starts from what Redis says, and a failed count is let through without blocking the key', async t => {
  let now = Date.parse('2026-12-02T10:00:05Z')
  const clock = { now: () => now }
  const exact = counter(clock)
  const limiter = new EagerRateLimiter(exact, LIMIT, clock)
  for (let i = 0; i < 11; i++) { await limiter.take('k'); await settle() }
  t.notOk((await limiter.take('k')).allowed)
  now += 60_000
  t.ok((await limiter.take('k')).allowed, 'the next minute has a fresh budget')
  exact.fail = true
  t.ok((await limiter.take('k')).allowed, 'a count that fails in the background lets the request through')
  await settle()
  exact.fail = false
  const d = await limiter.take('k')
  t.ok(d.allowed)
  t.ok(d.remaining < LIMIT, 'the remaining budget is reported')
})
