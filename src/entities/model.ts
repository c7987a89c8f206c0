import { LEVELS, type Level } from '../events/schema.ts'
import { DaySet } from './day-set.ts'
import type { Occurrences } from './occurrences.ts'

/** What an entity is keyed by, within a tenant. */
export const KINDS = ['user', 'device', 'ip'] as const
export type Kind = typeof KINDS[number]

/** An event's place in the order every rule uses: time, then event id. */
export interface Stamp { t: number, id: string }
/** First and last time (ms) something was seen. */
export interface Span { f: number, l: number }
/**
 * The `cap` smallest keys of a set with their spans; `more` once more keys than that were ever seen. A busy
 * address is written several times a second while its list of 1,000 users changes less and less: once the
 * list has been written, `entries` keeps each item as the stored list writes it (in the same order, updated
 * item by item) and `json` the whole list as JSON until it changes, so a write does not encode it again.
 * `top` is the largest key, kept while the set is full and unchanged.
 */
export interface Capped {
  items: Map<string, Span>
  more: boolean
  entries?: Map<string, string> | undefined
  json?: string | undefined
  top?: string | undefined
}

/** An item as a stored list holds it: `key|first|last`. */
export const listEntry = (key: string, span: Span): string => `${key}|${span.f}|${span.l}`

export interface Login { stamp: Stamp, ip?: string, country?: string, city?: string, lat?: number, lon?: number }
export interface Money { units: bigint, n: number }

/**
 * One user's, device's or address's state. Everything but `totals` is a merge that is commutative and
 * idempotent (min, max, union, the smallest few of a union): applying an event twice, or in any order, gives the
 * same state. `totals` are sums; `ledger` records which events they already hold (see merge.ts).
 */
export interface EntityState {
  tenant: string
  kind: Kind
  key: string
  first: Stamp
  last: Stamp
  /** Users only: the first few occurrences and the last of each action (occurrences.ts). */
  actions: Map<string, Occurrences>
  /**
   * Users only: per UTC day (days since the epoch) that starts within COHORT_DAYS of the first event, the first
   * and last event time: what weekly cohorts, which follow a user from the first week on, are made of. Later days
   * are not kept, so that a user's document, rewritten at each event, does not grow with the user's tenure.
   */
  days: Map<number, Span>
  /** Users only: every UTC day with an event. */
  activeDays: DaySet
  countries: Map<string, Span>
  devices: Capped
  ips: Capped
  /** Located successful sign-ins by `lat,lon`. */
  places: Capped
  /** Devices and addresses: the users seen on them. */
  users: Capped
  login: Login | undefined
  levelLast: Partial<Record<Level, number>>
  levelMax: Partial<Record<Level, number>>
  totals: { events: number, levels: Record<Level, number>, money: Map<string, Money> }
  /** Hash of an applied event's id → its `event.ingested` (ms), for events ingested within the grace period. */
  ledger: Map<string, number>
  /**
   * The ledger holds every applied event ingested from this time (ms) on; a busy user's older entries are dropped
   * to keep its document bounded (LEDGER_CAP in merge.ts). −∞ while nothing was dropped.
   */
  ledgerFrom: number
}

export const CAPS = { devices: 100, ips: 100, places: 50, users: 1000 } as const
export const DAY_MS = 86_400_000
/**
 * Days after the first event whose first and last times a user keeps (`days`): cohorts follow users for at most
 * 26 weeks after their first week (MAX_COHORT_WEEKS), and 28 weeks cover those whatever the weeks' zone.
 */
export const COHORT_DAYS = 28 * 7
/** Amounts are summed in units of 10⁻⁸ as integers, so totals do not depend on the order of additions. */
export const MONEY_SCALE = 100_000_000

const NO_STAMP: Stamp = { t: Number.POSITIVE_INFINITY, id: '' }
const capped = (): Capped => ({ items: new Map(), more: false })

export function emptyState (tenant: string, kind: Kind, key: string): EntityState {
  return {
    tenant, kind, key,
    first: NO_STAMP,
    last: { t: Number.NEGATIVE_INFINITY, id: '' },
    actions: new Map(), days: new Map(), activeDays: new DaySet(), countries: new Map(),
    devices: capped(), ips: capped(), places: capped(), users: capped(),
    login: undefined, levelLast: {}, levelMax: {},
    totals: { events: 0, levels: Object.fromEntries(LEVELS.map(l => [l, 0])) as Record<Level, number>, money: new Map() },
    ledger: new Map(),
    ledgerFrom: Number.NEGATIVE_INFINITY
  }
}

export const before = (a: Stamp, b: Stamp): boolean => a.t < b.t || (a.t === b.t && a.id < b.id)
export const minStamp = (a: Stamp, b: Stamp): Stamp => before(b, a) ? b : a
export const maxStamp = (a: Stamp, b: Stamp): Stamp => before(a, b) ? b : a
export const widen = (a: Span | undefined, b: Span): Span => a === undefined ? b : { f: Math.min(a.f, b.f), l: Math.max(a.l, b.l) }

/**
 * Adds a key's span to a capped set: the `cap` smallest keys are kept, whatever the order they come in.
 * `firstOnly`: only the first time is kept (the span's `l` stays equal to `f`). A key beyond a full set's
 * largest changes nothing but `more`; the kept entries follow each change.
 */
export function addCapped (set: Capped, key: string, span: Span, cap: number, firstOnly = false): void {
  const had = set.items.get(key)
  if (had !== undefined) {
    if (span.f < had.f) putItem(set, key, firstOnly ? { f: span.f, l: span.f } : widen(had, span))
    else if (!firstOnly && span.l > had.l) putItem(set, key, widen(had, span))
    return
  }
  if (set.items.size >= cap && key > (set.top ??= largestKey(set.items))) { set.more = true; return }
  putItem(set, key, span)
  if (set.items.size <= cap) { set.top = undefined; return }
  set.more = true
  // One pass finds the key to drop and the one that becomes the largest.
  const [largest, next] = largestTwo(set.items)
  set.items.delete(largest)
  set.entries?.delete(largest)
  set.top = next
}

function putItem (set: Capped, key: string, span: Span): void {
  set.items.set(key, span)
  set.entries?.set(key, listEntry(key, span))
  set.json = undefined
}

function largestKey (items: Map<string, Span>): string {
  let largest = ''
  for (const k of items.keys()) if (k > largest) largest = k
  return largest
}

function largestTwo (items: Map<string, Span>): [string, string] {
  let largest = ''
  let next = ''
  for (const k of items.keys()) {
    if (k > largest) { next = largest; largest = k } else if (k > next) next = k
  }
  return [largest, next]
}

/** The last day whose first and last times a user keeps (COHORT_DAYS after the day of its first event). */
export const lastCohortDay = (s: Pick<EntityState, 'first'>): number => Math.floor(s.first.t / DAY_MS) + COHORT_DAYS

/**
 * Drops the days past the user's cohort window. The first event only moves earlier, so a day dropped never
 * comes back into the window: whatever the order events come in, the same days are kept.
 */
export function keepCohortDays (s: EntityState): void {
  const last = lastCohortDay(s)
  for (const d of s.days.keys()) if (d > last) s.days.delete(d)
}

/** Document id of an entity: one per tenant, kind and key. */
export const entityId = (tenant: string, kind: Kind, key: string): string => `${tenant}/${kind}/${key}`
