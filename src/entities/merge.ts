import type { Level } from '../events/schema.ts'
import { eventHash, type EntityEvent } from './entity-event.ts'
import { addCapped, CAPS, DAY_MS, keepCohortDays, lastCohortDay, maxStamp, minStamp, MONEY_SCALE, widen, type Capped, type EntityState, type Stamp } from './model.ts'
import { mergeOccurrences, once } from './occurrences.ts'

/**
 * How entities change. The idempotent part (`addEvent`, `mergeStates`) is made of min, max, union and the
 * smallest few of a union only, so an event applied twice or late changes nothing it should not. Sums
 * (`totals`) are not idempotent: an event adds to them once, and the entity's ledger says which events it holds
 * (see `applyContributions`).
 */

/** Successful sign-ins are what "last sign-in place" and travel are about. */
export const isSignIn = (e: Pick<EntityEvent, 'action' | 'outcome'>): boolean => e.action === 'login' && e.outcome === 'success'

/** Places are keyed at 4 decimals (about 11 m): geolocation is city-level and doc values are quantised. */
export const placeKey = (lat: number, lon: number): string => `${lat.toFixed(4)},${lon.toFixed(4)}`

/** Folds the idempotent part of one event into an entity. */
export function addEvent (s: EntityState, e: EntityEvent): void {
  const stamp: Stamp = { t: e.time, id: e.id }
  const at = { f: e.time, l: e.time }
  const first = s.first
  s.first = minStamp(s.first, stamp)
  s.last = maxStamp(s.last, stamp)
  if (e.country !== undefined) s.countries.set(e.country, widen(s.countries.get(e.country), at))
  if (s.kind !== 'user') {
    // Each user's first time on a device or address only: the list then changes only when a user arrives.
    addCapped(s.users, e.user, { f: e.time, l: e.time }, CAPS.users, true)
    return
  }
  const a = s.actions.get(e.action)
  s.actions.set(e.action, a === undefined ? once(stamp) : mergeOccurrences(a, once(stamp)))
  const day = Math.floor(e.time / DAY_MS)
  s.activeDays.add(day)
  if (day <= lastCohortDay(s)) s.days.set(day, widen(s.days.get(day), at))
  if (s.first !== first) keepCohortDays(s)
  if (e.device !== undefined) addCapped(s.devices, e.device, at, CAPS.devices)
  if (e.ip !== undefined) addCapped(s.ips, e.ip, at, CAPS.ips)
  if (isSignIn(e)) {
    if (e.lat !== undefined && e.lon !== undefined) addCapped(s.places, placeKey(e.lat, e.lon), at, CAPS.places)
    if (s.login === undefined || maxStamp(s.login.stamp, stamp) === stamp) {
      s.login = { stamp, ...pick(e) }
    }
  }
  s.levelLast[e.level] = Math.max(s.levelLast[e.level] ?? Number.NEGATIVE_INFINITY, e.time)
  s.levelMax[e.level] = Math.max(s.levelMax[e.level] ?? Number.NEGATIVE_INFINITY, e.score)
}

function pick (e: EntityEvent): { ip?: string, country?: string, city?: string, lat?: number, lon?: number } {
  const out: { ip?: string, country?: string, city?: string, lat?: number, lon?: number } = {}
  if (e.ip !== undefined) out.ip = e.ip
  if (e.country !== undefined) out.country = e.country
  if (e.city !== undefined) out.city = e.city
  if (e.lat !== undefined && e.lon !== undefined) { out.lat = e.lat; out.lon = e.lon }
  return out
}

/** Merges the idempotent part of `from` into `into`. */
export function mergeStates (into: EntityState, from: EntityState): void {
  const first = into.first
  into.first = minStamp(into.first, from.first)
  into.last = maxStamp(into.last, from.last)
  for (const [k, v] of from.countries) into.countries.set(k, widen(into.countries.get(k), v))
  for (const [k, v] of from.actions) {
    const a = into.actions.get(k)
    into.actions.set(k, a === undefined ? v : mergeOccurrences(a, v))
  }
  const lastDay = lastCohortDay(into)
  for (const [k, v] of from.days) if (k <= lastDay) into.days.set(k, widen(into.days.get(k), v))
  if (into.first !== first) keepCohortDays(into)
  into.activeDays.addAll(from.activeDays)
  mergeCapped(into.devices, from.devices, CAPS.devices)
  mergeCapped(into.ips, from.ips, CAPS.ips)
  mergeCapped(into.places, from.places, CAPS.places)
  mergeCapped(into.users, from.users, CAPS.users, true)
  if (from.login !== undefined && (into.login === undefined || maxStamp(into.login.stamp, from.login.stamp) === from.login.stamp)) into.login = from.login
  for (const [l, t] of Object.entries(from.levelLast) as Array<[Level, number]>) into.levelLast[l] = Math.max(into.levelLast[l] ?? t, t)
  for (const [l, n] of Object.entries(from.levelMax) as Array<[Level, number]>) into.levelMax[l] = Math.max(into.levelMax[l] ?? n, n)
}

function mergeCapped (into: Capped, from: Capped, cap: number, firstOnly = false): void {
  if (from.more) into.more = true
  for (const [k, v] of from.items) addCapped(into, k, v, cap, firstOnly)
}

/** What one event adds to a user's sums. `fresh`: the writer has just created it (first storage). */
export interface Contribution { hash: string, ingested: number, fresh: boolean, level: Level, money?: { key: string, units: bigint } }

export function contributionOf (e: EntityEvent, fresh: boolean): Contribution {
  const c: Contribution = { hash: eventHash(e.tenant, e.id), ingested: e.ingested, fresh, level: e.level }
  if (e.amount !== undefined && e.currency !== undefined) c.money = { key: `${e.action}|${e.currency}`, units: BigInt(Math.round(e.amount * MONEY_SCALE)) }
  return c
}

function add (s: EntityState, c: Pick<Contribution, 'level' | 'money'>): void {
  s.totals.events++
  s.totals.levels[c.level]++
  if (c.money === undefined) return
  const m = s.totals.money.get(c.money.key)
  s.totals.money.set(c.money.key, { units: (m?.units ?? 0n) + c.money.units, n: (m?.n ?? 0) + 1 })
}

/**
 * Events a user's ledger holds at most (12 characters each in its document). A user with more events within
 * the grace period keeps the most recently ingested: its document is rewritten at each of its events, and an
 * unbounded ledger would make a busy account (a bot, a trading API client) cost ever more per event. The price:
 * a job retried after more than this many newer events of the same user were applied is taken as applied.
 */
export const LEDGER_CAP = 10_000
/** Compaction down to this many, so that a user at the cap is not compacted again at each event. */
const LEDGER_KEEP = 9_000

/**
 * Adds events to a user's sums exactly once. An event is added when the ledger does not hold it and either
 * the writer has just created it (it cannot have been added before), or it was ingested within the grace
 * period and since the ledger's floor (a job retried after its events were stored: the ledger says whether that
 * earlier attempt reached this entity). Those events are recorded in the ledger; older entries are dropped.
 */
export function applyContributions (s: EntityState, cs: readonly Contribution[], now: number, graceMs: number): void {
  const horizon = Math.max(now - graceMs, s.ledgerFrom)
  for (const c of cs) {
    if (s.ledger.has(c.hash) || (!c.fresh && c.ingested < horizon)) continue
    add(s, c)
    if (c.ingested >= horizon) s.ledger.set(c.hash, c.ingested)
  }
  compactLedger(s, now - graceMs)
}

/** The rebuild: every event read adds to the sums; the ledger holds those ingested within the grace period. */
export function addTotals (s: EntityState, e: EntityEvent, now: number, graceMs: number): void {
  const c = contributionOf(e, true)
  add(s, c)
  if (c.ingested >= now - graceMs) s.ledger.set(c.hash, c.ingested)
}

/**
 * Drops entries ingested before the grace period, then, past LEDGER_CAP, the oldest ingest times whole (a
 * request's events share one) and raises the floor past them: every applied event ingested from the floor on
 * stays in the ledger.
 */
export function compactLedger (s: EntityState, horizon: number): void {
  for (const [h, t] of s.ledger) if (t < horizon) s.ledger.delete(h)
  if (s.ledger.size <= LEDGER_CAP) return
  const perTime = new Map<number, number>()
  for (const t of s.ledger.values()) perTime.set(t, (perTime.get(t) ?? 0) + 1)
  let size = s.ledger.size
  let floor = s.ledgerFrom
  for (const t of [...perTime.keys()].sort((a, b) => a - b)) {
    if (size <= LEDGER_KEEP) break
    size -= perTime.get(t) as number
    floor = t + 1
  }
  for (const [h, t] of s.ledger) if (t < floor) s.ledger.delete(h)
  s.ledgerFrom = floor
}

/** The entities an event belongs to: its user, and its device and address when it has them. */
export function entityKeys (e: EntityEvent): Array<['user' | 'device' | 'ip', string]> {
  const keys: Array<['user' | 'device' | 'ip', string]> = [['user', e.user]]
  if (e.device !== undefined) keys.push(['device', e.device])
  if (e.ip !== undefined) keys.push(['ip', e.ip])
  return keys
}
