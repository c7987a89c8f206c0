import t from 'tap'
import { watch, type Observation, type WatchState } from '../../../src/monitor/self-watch.ts'
import type { WatchBounds } from '../../../src/config/monitoring-config.ts'

const BOUNDS: WatchBounds = { everyMs: 15_000, queueAgeMs: 60_000, queueGrowthMs: 60_000, sealAgeMs: 120_000, checkpointLateMs: 300_000, streamFailingMs: 300_000 }
const T0 = Date.parse('2026-11-26T12:00:00Z')

function obs (at: number, over: Partial<Observation> = {}): Observation {
  return { at, events: { depth: 0, oldestWaitingAt: null, failed: 0 }, seal: { oldestWaitingAt: null, lastCheckpointAt: at - 1000, checkpointMs: 60_000 }, deadLetters: 0, streams: [], ...over }
}

/** Runs observations in order, returning the kinds raised at each step. */
function run (steps: Observation[]): { raised: string[][], resolved: string[][], state: WatchState | undefined } {
  let state: WatchState | undefined
  const raised: string[][] = []
  const resolved: string[][] = []
  for (const o of steps) {
    const r = watch(state, o, BOUNDS)
    state = r.state
    raised.push(r.raised.map(a => a.key))
    resolved.push(r.resolved)
  }
  return { raised, resolved, state }
}

t.test('dead letters: nothing at the first look, an alert at each increase', async t => {
  const r = run([obs(T0, { deadLetters: 4 }), obs(T0 + 15_000, { deadLetters: 4 }), obs(T0 + 30_000, { deadLetters: 6 }), obs(T0 + 45_000, { deadLetters: 6 })])
  t.same(r.raised, [[], [], ['dead_letters'], []])
  const a = watch(r.state, obs(T0 + 60_000, { deadLetters: 7 }), BOUNDS).raised[0]
  t.equal(a?.severity, 'critical')
  t.same(a?.details, { new: 1, total: 7 })
})

t.test('dead letters deleted by retention raise nothing, whether seen before or after their count is added back; a letter new meanwhile is raised', async t => {
  // 10 letters; retention deletes 3 (the sum dips to 7 until the counter of deleted letters grows by 3), one arrives.
  const r = run([obs(T0, { deadLetters: 10 }), obs(T0 + 15_000, { deadLetters: 7 }), obs(T0 + 30_000, { deadLetters: 8 }), obs(T0 + 45_000, { deadLetters: 11 }), obs(T0 + 60_000, { deadLetters: 11 })])
  t.same(r.raised, [[], [], [], ['dead_letters'], []])
})

t.test('failed ingest jobs are raised when their count grows', async t => {
  const e = (failed: number): Observation['events'] => ({ depth: 0, oldestWaitingAt: null, failed })
  t.same(run([obs(T0, { events: e(0) }), obs(T0 + 1, { events: e(2) })]).raised, [[], ['jobs_failed']])
})

t.test('a waiting job older than the bound raises once, and is over when it goes', async t => {
  const waiting = (at: number, age: number): Observation => obs(at, { events: { depth: 5, oldestWaitingAt: at - age, failed: 0 } })
  const r = run([waiting(T0, 30_000), waiting(T0 + 15_000, 61_000), waiting(T0 + 30_000, 76_000), obs(T0 + 45_000)])
  t.same(r.raised, [[], ['queue_backlog'], [], []])
  t.same(r.resolved, [[], [], [], ['queue_backlog']])
})

t.test('the queue growing without a pause for longer than the bound raises; a dip starts over', async t => {
  const depth = (at: number, d: number): Observation => obs(at, { events: { depth: d, oldestWaitingAt: at, failed: 0 } })
  const steady = run([depth(T0, 10), depth(T0 + 20_000, 20), depth(T0 + 40_000, 30), depth(T0 + 60_000, 40), depth(T0 + 75_000, 50)])
  t.same(steady.raised, [[], [], [], ['queue_growing'], []])
  const dipping = run([depth(T0, 10), depth(T0 + 20_000, 20), depth(T0 + 40_000, 15), depth(T0 + 60_000, 40), depth(T0 + 80_000, 50)])
  t.same(dipping.raised.flat(), [], 'a queue that drains now and then is not growing')
  const flat = run([depth(T0, 10), depth(T0 + 30_000, 10), depth(T0 + 70_000, 10)])
  t.same(flat.raised.flat(), [], 'a steady depth is not growth (a stuck queue is the age rule\'s)')
})

t.test('the sealer and the checkpoints falling behind', async t => {
  const sealing = (at: number, age: number, lastCheckpoint: number | null): Observation => obs(at, { seal: { oldestWaitingAt: at - age, lastCheckpointAt: lastCheckpoint, checkpointMs: 60_000 } })
  t.same(run([sealing(T0, 1000, T0), sealing(T0 + 15_000, 130_000, T0)]).raised, [[], ['sealing_behind']])
  // The bound is the larger of the setting and three checkpoint periods.
  t.same(run([sealing(T0, 0, T0 - 200_000), sealing(T0 + 15_000, 0, T0 - 200_000), sealing(T0 + 120_000, 0, T0 - 200_000)]).raised, [[], [], ['checkpoint_late']])
  t.same(run([sealing(T0, 0, null), sealing(T0 + 310_000, 0, null)]).raised, [[], ['checkpoint_late']], 'never a checkpoint since the watch started')
  const off = watch(undefined, { ...obs(T0), seal: undefined }, BOUNDS)
  t.same(off.raised, [], 'integrity off: nothing about sealing')
})

t.test('a stream failing for longer than the bound, per stream, with its tenant', async t => {
  const s = (failingSince: number | null): Observation['streams'] => [{ id: 's1', tenant: 'brand-a', name: 'siem', failingSince }, { id: 's2', tenant: 'brand-b', name: 'ok', failingSince: null }]
  const r = run([obs(T0, { streams: s(T0) }), obs(T0 + 301_000, { streams: s(T0) }), obs(T0 + 320_000, { streams: s(null) })])
  t.same(r.raised, [[], ['stream_failing:s1'], []])
  t.same(r.resolved[2], ['stream_failing:s1'])
  const alert = watch(undefined, obs(T0 + 301_000, { streams: s(T0) }), BOUNDS).raised[0]
  t.equal(alert?.tenant, 'brand-a')
  t.match(alert?.summary, /"siem" of tenant brand-a has failed to deliver for 301 s; its status \(GET \/v1\/streams\/s1\)/)
})
