import type { ReadScope } from '../../auth/read-scope.ts'
import type { EntitiesStore } from '../../store/events/entities-store.ts'
import type { Bounds, EventsScanner } from '../../store/events/events-scan.ts'
import { parseStamp, type EntityDoc } from '../../entities/codec.ts'
import { before, type Stamp } from '../../entities/model.ts'
import { firstOf, nextAfter, type Occurrences } from '../../entities/occurrences.ts'
import { FunnelCounter, type FunnelStep } from '../behaviour/funnel.ts'
import { str } from '../behaviour/request.ts'
import { entityQuery, userKey } from './entity-query.ts'
import type { Source } from './source.ts'

type Stamps = ReadonlyMap<string, Occurrences>
export interface Match { t: number, action: string }

/**
 * A user's path through the funnel from the first few and the last occurrence of each action, or undefined
 * when they do not settle it; the path is then the FunnelCounter's over the user's events. Step 1 starts at
 * the first occurrence of its actions. The next step's match is the first occurrence of any of its actions
 * after the previous match: known when a kept first occurrence is after it, absent when the last is not; an
 * action whose kept occurrences are all at or before the previous match while its last is after leaves the
 * time of its next one unknown, and the user is then left to the scan.
 */
export function decideFunnel (stamps: Stamps, steps: ReadonlyArray<readonly string[]>, windowMs: number): Match[] | undefined {
  let prev: Stamp | undefined
  let prevAction = ''
  for (const a of steps[0] ?? []) {
    const s = stamps.get(a)
    if (s !== undefined && (prev === undefined || before(firstOf(s), prev))) { prev = firstOf(s); prevAction = a }
  }
  if (prev === undefined) return []
  const start = prev.t
  const path: Match[] = [{ t: prev.t, action: prevAction }]
  for (const step of steps.slice(1)) {
    let next: Stamp | undefined
    let action = ''
    for (const a of step) {
      const s = stamps.get(a)
      if (s === undefined) continue
      const n = nextAfter(s, prev)
      if (n === 'unknown') return undefined
      if (n !== 'none' && (next === undefined || before(n, next))) { next = n; action = a }
    }
    if (next === undefined || next.t - start > windowMs) return path
    path.push({ t: next.t, action })
    prev = next
  }
  return path
}

const USERS_PER_SCAN = 10_000

/**
 * The funnel of every user of the caller's tenant, from the entity store: users whose kept occurrences
 * settle their path are counted from them; the others' events are scanned, exactly as the scan
 * would, with the same counter. Same answer as the scan over the whole history.
 */
export async function funnelFromEntities (store: EntitiesStore, scanner: EventsScanner, scope: ReadScope, steps: ReadonlyArray<readonly string[]>, windowMs: number, limit: number): Promise<{ steps: FunnelStep[], bounds: Bounds & { source: Source } }> {
  const counter = new FunnelCounter(steps, windowMs)
  const undecided = new Map<string, string[]>()
  const actions = new Set(steps.flat())
  const entities = await store.walk(entityQuery(scope, 'user', { terms: { actions: [...new Set(steps[0])] } }), ['tenant', 'key', 'stamps'], docs => {
    for (const d of docs as Array<Pick<EntityDoc, 'tenant' | 'key' | 'stamps'>>) {
      const stamps = new Map<string, Occurrences>()
      for (const v of d.stamps ?? []) {
        // Only the steps' actions are parsed: an entry starts with its action.
        if (!actions.has(v.slice(0, v.indexOf('|')))) continue
        const p = parseStamp(v)
        stamps.set(p.action, p)
      }
      const { tenant, key: user } = d
      const path = decideFunnel(stamps, steps, windowMs)
      if (path === undefined) {
        const list = undecided.get(tenant)
        if (list === undefined) undecided.set(tenant, [user])
        else list.push(user)
      } else {
        for (const m of path) counter.push(userKey(tenant, user), m.t, m.action)
      }
    }
  })
  let scanned = 0
  let truncated = false
  for (const [tenant, users] of undecided) {
    for (let i = 0; i < users.length && !truncated; i += USERS_PER_SCAN) {
      const b = await scanner.scan({
        query: { bool: { filter: [{ term: { 'audit.tenant': tenant } }, { terms: { 'event.action': [...actions] } }, { terms: { 'user.id': users.slice(i, i + USERS_PER_SCAN) } }] } },
        keys: ['user.id'], fields: ['event.action'], limit: limit - scanned
      }, events => {
        for (const e of events) counter.push(userKey(tenant, e.keys[0] ?? ''), e.time, str(e.fields['event.action']) ?? '')
      })
      scanned += b.scanned
      truncated = b.truncated
    }
  }
  return { steps: counter.result(), bounds: { scanned: entities + scanned, limit, truncated, source: 'entities' } }
}
