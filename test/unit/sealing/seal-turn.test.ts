import t from 'tap'
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises'
import { SealTurn } from '../../../src/sealing/seal-turn.ts'
import type { SealEntry } from '../../../src/integrity/types.ts'

const entry = (id: string): SealEntry => ({ tenant: 'brand-a', id, index: 'p', leaf: '0'.repeat(64) })

function turnWith (fail = false, idleMs = 0, gather = { minEntries: 0, gatherMs: 0 }): { turn: SealTurn, sealed: string[][], queued: SealEntry[][] } {
  const sealed: string[][] = []
  const queued: SealEntry[][] = []
  const turn = new SealTurn({
    seal: async entries => { if (fail) throw new Error('refused'); sealed.push(entries.map(e => e.id)) },
    queue: async entries => { queued.push(entries) },
    maxEntries: 3,
    idleMs,
    ...gather
  })
  return { turn, sealed, queued }
}

t.test('entries held during a turn are sealed in it, in rounds of at most maxEntries (whole holders)', async t => {
  const { turn, sealed, queued } = turnWith()
  turn.begin()
  t.ok(turn.isOpen)
  let settled = 0
  const held = [['a', 'b'], ['c'], ['d', 'e'], ['f']].map(async ids => { await turn.hold(ids.map(entry)); settled++ })
  await tick()
  t.equal(settled, 0, 'nothing settles before it is sealed')
  await turn.drain(Date.now() + 10_000, async () => true)
  await Promise.all(held)
  t.same(sealed, [['a', 'b', 'c'], ['d', 'e', 'f']])
  turn.end()
  t.notOk(turn.isOpen)
  t.same(queued, [], 'nothing left for the queue')
})

t.test('what the turn has not sealed when it ends goes to the queue, not marked', async t => {
  const { turn, sealed, queued } = turnWith()
  turn.begin()
  const held = turn.hold([entry('a')])
  await turn.drain(Date.now() + 10_000, async () => false) // another process took the turn
  turn.end()
  await held
  t.same(sealed, [])
  t.same(queued, [[entry('a')]])
  const late = turnWith()
  late.turn.begin()
  const h = late.turn.hold([entry('b')])
  await late.turn.drain(Date.now() - 1, async () => true) // out of time
  late.turn.end()
  await h
  t.same(late.queued, [[entry('b')]])
})

t.test('a round that fails goes to the queue marked to be looked up, and the turn stops', async t => {
  const { turn, queued } = turnWith(true)
  turn.begin()
  const first = turn.hold([entry('a'), entry('b'), entry('c')])
  const second = turn.hold([entry('d')])
  await turn.drain(Date.now() + 10_000, async () => true)
  await first
  t.same(queued, [[entry('a'), entry('b'), entry('c')].map(e => ({ ...e, recheck: true }))])
  turn.end()
  await second
  t.same(queued[1], [entry('d')], 'the rest is queued as it was when the turn ends')
})

t.test('a holder whose entries the queue refuses is told so', async t => {
  const turn = new SealTurn({ seal: async () => undefined, queue: async () => { throw new Error('redis down') }, maxEntries: 10, idleMs: 0, minEntries: 0, gatherMs: 0 })
  turn.begin()
  const held = turn.hold([entry('a')])
  turn.end()
  await t.rejects(held, /redis down/)
})

t.test('having sealed all it held, the turn waits up to idleMs for more, then ends', async t => {
  const { turn, sealed, queued } = turnWith(false, 300)
  turn.begin()
  const first = turn.hold([entry('a')])
  const t0 = Date.now()
  const draining = turn.drain(Date.now() + 10_000, async () => true)
  await first
  await sleep(100)
  const second = turn.hold([entry('b')]) // the next bulk, within the idle time
  await second
  t.same(sealed, [['a'], ['b']], 'sealed in the same turn, not queued')
  await draining
  const took = Date.now() - t0
  t.ok(took >= 380 && took < 5000, `ends once nothing came for idleMs (${took} ms)`)
  turn.end()
  t.same(queued, [])
})

t.test('the idle wait stops at the end of the turn', async t => {
  const { turn } = turnWith(false, 5000)
  turn.begin()
  const t0 = Date.now()
  await turn.drain(Date.now() + 100, async () => true)
  t.ok(Date.now() - t0 < 3000, 'the turn ends on time, not idleMs (5 s) later')
  turn.end()
})

t.test('a round waits up to gatherMs for minEntries', async t => {
  const { turn, sealed } = turnWith(false, 500, { minEntries: 2, gatherMs: 300 })
  turn.begin()
  const first = turn.hold([entry('a')])
  const draining = turn.drain(Date.now() + 10_000, async () => true)
  await sleep(50)
  t.same(sealed, [], 'one entry waits for a second')
  const second = turn.hold([entry('b')])
  await Promise.all([first, second])
  t.same(sealed, [['a', 'b']], 'sealed together once there are two')
  const t0 = Date.now()
  await turn.hold([entry('c')])
  const took = Date.now() - t0
  t.same(sealed, [['a', 'b'], ['c']], 'and alone once gatherMs is over')
  t.ok(took >= 250 && took < 5000, `not before (${took} ms)`)
  await draining
  turn.end()
})
