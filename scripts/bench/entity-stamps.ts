/**
 * What keeping the first K occurrences of each action costs and settles, in one process, without Elasticsearch:
 * the entity benchmark's events (scripts/bench/dataset.ts, 1 million events over 50,000 users) for the users
 * whose number is below `users`, prepared as ingest does, folded into user states with the store's merge, then
 * for K = 1, 2, 3, 4 (the kept stamps cut to K: the first K of the first four are the first K) and 8 (from
 * each action's sorted occurrences): the users each funnel of scripts/bench/entities.ts leaves to the scan, and
 * the length of the documents. The funnel's answer (settled users from their paths, the others from their
 * events) is checked against the scan's counter over every event. Not timed.
 * Usage: node --import tsx scripts/bench/entity-stamps.ts [events=1000000] [users=10000]
 */
import { loadConfig } from '../../src/config/config.ts'
import { enrichContext } from '../../src/compose/enrich-context.ts'
import { IngestService } from '../../src/ingest/ingest-service.ts'
import type { EventsQueue } from '../../src/queue/events-queue.ts'
import { fromStored, type EntityEvent } from '../../src/entities/entity-event.ts'
import { addEvent, addTotals } from '../../src/entities/merge.ts'
import { before, emptyState, type EntityState, type Stamp } from '../../src/entities/model.ts'
import { FIRST_STAMPS, type Occurrences } from '../../src/entities/occurrences.ts'
import { encodeDoc } from '../../src/entities/codec.ts'
import { decideFunnel } from '../../src/analytics/entities/funnel-entities.ts'
import { FunnelCounter } from '../../src/analytics/behaviour/funnel.ts'
import { parseDuration } from '../../src/analytics/behaviour/request.ts'
import { testEnv } from '../../test/helpers/stack.ts'
import { benchEvent } from './dataset.ts'

const TOTAL = Number(process.argv[2] ?? 1_000_000)
const USERS = Number(process.argv[3] ?? 10_000)
const GRACE = 3 * 86_400_000
const FUNNELS: Array<[string, string[][], number]> = [
  ['login → deposit → bet, 7 d', [['login'], ['deposit'], ['bet_placed']], parseDuration('7d') as number],
  ['login → deposit → withdrawal, 30 d', [['login'], ['deposit'], ['withdrawal']], parseDuration('30d') as number]
]
const KS = [1, 2, 3, 4, 8]

const now = Date.now()
const prepare = new IngestService(null as unknown as EventsQueue, enrichContext(loadConfig(testEnv())), { indexPrefix: 'stamps', maxBatch: 1000, queueMaxJobs: 1 })
const events: EntityEvent[] = []
let batch: unknown[] = []
const flush = (): void => {
  for (const e of prepare.prepare({ events: batch })) { const x = fromStored(e); if (x !== undefined) events.push(x) }
  batch = []
}
for (let i = 0; i < TOTAL; i++) {
  const e = benchEvent(i, now)
  if (Number((e.user as { id: string }).id.slice(2)) >= USERS) continue
  batch.push(e)
  if (batch.length === 1000) flush()
}
flush()

const states = new Map<string, EntityState>()
const byUser = new Map<string, EntityEvent[]>()
for (const e of events) {
  let s = states.get(e.user)
  if (s === undefined) { s = emptyState(e.tenant, 'user', e.user); states.set(e.user, s); byUser.set(e.user, []) }
  addEvent(s, e)
  addTotals(s, e, now, GRACE)
  byUser.get(e.user)?.push(e)
}
const order = (a: Stamp, b: Stamp): number => before(a, b) ? -1 : before(b, a) ? 1 : 0
for (const list of byUser.values()) list.sort((a, b) => order({ t: a.time, id: a.id }, { t: b.time, id: b.id }))

/** A user's occurrences keeping the first k: cut from the state's when k ≤ FIRST_STAMPS, from the events otherwise. */
function keptOf (user: string, s: EntityState, k: number): Map<string, Occurrences> {
  if (k <= FIRST_STAMPS) return new Map([...s.actions].map(([a, o]) => [a, { f: o.f.slice(0, k), l: o.l }]))
  const out = new Map<string, Occurrences>()
  for (const e of byUser.get(user) ?? []) {
    const o = out.get(e.action)
    const stamp = { t: e.time, id: e.id }
    out.set(e.action, { f: o === undefined ? [stamp] : o.f.length < k ? [...o.f, stamp] : o.f, l: stamp })
  }
  return out
}

console.log(`${events.length.toLocaleString('en-US')} events of ${states.size.toLocaleString('en-US')} users (of ${TOTAL.toLocaleString('en-US')} events over 50,000 users), ${(events.length / states.size).toFixed(1)} events per user`)
let base = 0
console.log('\n| kept first occurrences | mean document (characters) | growth per user against K = 1 | ' + FUNNELS.map(([name]) => `left to the scan: ${name}`).join(' | ') + ' |')
console.log('|---|---|---|' + FUNNELS.map(() => '---|').join(''))
for (const k of KS) {
  let length = 0
  const undecided = FUNNELS.map(() => ({ users: 0, walked: 0 }))
  const answers = FUNNELS.map(([, steps, windowMs]) => new FunnelCounter(steps, windowMs))
  for (const [user, s] of states) {
    const kept = keptOf(user, s, k)
    length += encodeDoc({ ...s, actions: kept }).length
    FUNNELS.forEach(([, steps, windowMs], f) => {
      const counter = answers[f] as FunnelCounter
      if (!(steps[0] as string[]).some(a => kept.has(a))) return
      const u = undecided[f] as { users: number, walked: number }
      u.walked++
      const path = decideFunnel(kept, steps, windowMs)
      if (path !== undefined) { for (const m of path) counter.push(user, m.t, m.action); return }
      u.users++
      for (const e of byUser.get(user) ?? []) counter.push(user, e.time, e.action)
    })
  }
  FUNNELS.forEach(([name, steps, windowMs], f) => {
    const scan = new FunnelCounter(steps, windowMs)
    for (const [user, list] of byUser) for (const e of list) scan.push(user, e.time, e.action)
    if (JSON.stringify(scan.result()) !== JSON.stringify((answers[f] as FunnelCounter).result())) throw new Error(`K = ${k}, ${name}: not the scan's answer`)
  })
  const mean = length / states.size
  if (k === 1) base = mean
  const shares = undecided.map(u => `${u.users.toLocaleString('en-US')} of ${u.walked.toLocaleString('en-US')} (${(100 * u.users / u.walked).toFixed(1)} %)`)
  console.log(`| ${k}${k === FIRST_STAMPS ? ' (kept)' : ''} | ${mean.toFixed(0)} | ${k === 1 ? '' : `+${(mean - base).toFixed(0)}`} | ${shares.join(' | ')} |`)
}
console.log('\nEvery row gave the scan\'s answer for both funnels.')
