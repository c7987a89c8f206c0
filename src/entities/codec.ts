import { LEVELS, type Level } from '../events/schema.ts'
import { DaySet } from './day-set.ts'
import { DAY_MS, emptyState, keepCohortDays, KINDS, listEntry, type Capped, type EntityState, type Kind, type Span, type Stamp } from './model.ts'
import { firstOf, type Occurrences } from './occurrences.ts'

/**
 * An entity as stored in `<prefix>-entities` (mappings/entities-mappings.json). Lists are strings joined with
 * `|` (no id, action, address or currency can hold one), so that keys of users' data never become field
 * names; the fields that queries and aggregations use are mapped, the rest stays in `_source` only.
 */
export interface EntityDoc {
  tenant: string
  kind: Kind
  key: string
  first: number
  first_id: string
  last: number
  last_id: string
  /** Addresses: the key as an `ip`, so that they sort as Elasticsearch sorts addresses. */
  address?: string
  /** Users: actions seen, and their occurrences as `action|first|firstId|last|lastId|second|secondId|…` (stampEntry). */
  actions?: string[]
  stamps?: string[]
  /** Users: the first and last event time of each UTC day with activity in the cohort window (EntityState.days). */
  active?: number[]
  /** Users: every UTC day with activity (DaySet). Absent from documents written when `active` held every day. */
  active_days?: string
  countries: string[]
  devices?: string[]
  devices_more?: boolean
  ips?: string[]
  ips_more?: boolean
  places?: string[]
  places_more?: boolean
  place_count?: number
  users?: string[]
  users_more?: boolean
  user_count?: number
  login?: { t: number, id: string, ip?: string, country?: string, city?: string, lat?: number, lon?: number }
  events?: number
  levels?: Partial<Record<Level, number>>
  level_last?: Partial<Record<Level, number>>
  level_max?: Partial<Record<Level, number>>
  /**
   * Per set of levels (named by their initials, in LEVELS order: `hc` for high and critical), the events at
   * those levels, their highest score and the latest time: what ranking risky users sorts on.
   */
  risk?: Record<string, { n: number, max: number, last: number }>
  /** `action|currency|units of 10⁻⁸|count` */
  money?: string[]
  /** Groups `<ingested, base 36>:<12-character hashes…>` joined with `;` (a request's events share their ingest time). */
  ledger?: string
  /** The ledger's floor (EntityState.ledgerFrom), once a busy user's oldest entries were dropped. */
  ledger_from?: number
}

const spans = (m: Map<string, Span>): string[] => Array.from(m, ([k, s]) => listEntry(k, s))

/** The capped lists of a document, by field. */
type ListField = 'users' | 'devices' | 'ips' | 'places'
type Lists = Array<[ListField, Capped]>

/** A set's stored list: its entries, made once, then kept in step by addCapped. */
const entriesOf = (c: Capped): Map<string, string> => (c.entries ??= new Map(Array.from(c.items, ([k, s]) => [k, listEntry(k, s)])))
const listOf = (c: Capped): string[] => [...entriesOf(c).values()]
const listJson = (c: Capped): string => (c.json ??= JSON.stringify(listOf(c)))

/** The document but its capped lists, and those lists. */
function parts (s: EntityState): { doc: EntityDoc, lists: Lists } {
  const doc: EntityDoc = {
    tenant: s.tenant, kind: s.kind, key: s.key,
    first: s.first.t, first_id: s.first.id, last: s.last.t, last_id: s.last.id,
    countries: spans(s.countries)
  }
  if (s.kind !== 'user') {
    return { doc: { ...doc, ...(s.kind === 'ip' ? { address: s.key } : {}), users_more: s.users.more, user_count: s.users.items.size }, lists: [['users', s.users]] }
  }
  const active = new Set<number>()
  for (const d of s.days.values()) { active.add(d.f); active.add(d.l) }
  const levels: Partial<Record<Level, number>> = {}
  for (const l of LEVELS) if (s.totals.levels[l] > 0) levels[l] = s.totals.levels[l]
  const user: EntityDoc = {
    ...doc,
    actions: [...s.actions.keys()],
    stamps: [...s.actions].map(([a, v]) => stampEntry(a, v)),
    active: [...active].sort((a, b) => a - b),
    active_days: s.activeDays.encode(),
    devices_more: s.devices.more,
    ips_more: s.ips.more,
    places_more: s.places.more, place_count: s.places.items.size,
    ...(s.login === undefined ? {} : { login: { t: s.login.stamp.t, id: s.login.stamp.id, ...withoutStamp(s.login) } }),
    events: s.totals.events,
    levels,
    level_last: { ...s.levelLast },
    level_max: { ...s.levelMax },
    risk: riskSets(s),
    money: [...s.totals.money].map(([k, m]) => `${k}|${m.units}|${m.n}`),
    ledger: encodeLedger(s.ledger),
    ...(s.ledgerFrom === Number.NEGATIVE_INFINITY ? {} : { ledger_from: s.ledgerFrom })
  }
  return { doc: user, lists: [['devices', s.devices], ['ips', s.ips], ['places', s.places]] }
}

export function toDoc (s: EntityState): EntityDoc {
  const { doc, lists } = parts(s)
  for (const [field, c] of lists) doc[field] = listOf(c)
  return doc
}

/**
 * The document as JSON, the same as toDoc's: the capped lists come from their kept JSON, so that a busy
 * address's 1,000 users are not serialised again at each write.
 */
export function encodeDoc (s: EntityState): string {
  const { doc, lists } = parts(s)
  // The document has fields, so its JSON ends with `}` after at least one of them.
  return `${JSON.stringify(doc).slice(0, -1)}${lists.map(([field, c]) => `,"${field}":${listJson(c)}`).join('')}}`
}

function withoutStamp (login: NonNullable<EntityState['login']>): Omit<NonNullable<EntityDoc['login']>, 't' | 'id'> {
  const { stamp: _stamp, ...rest } = login
  return rest
}

function spanMap (values: readonly string[] | undefined): Map<string, Span> {
  const m = new Map<string, Span>()
  for (const v of values ?? []) {
    const parts = v.split('|')
    m.set(parts[0] as string, { f: Number(parts[1]), l: Number(parts[2]) })
  }
  return m
}

/** A stored list's items, and its entries as they were stored: a set read back and not changed is not encoded again. */
function cappedIn (values: readonly string[] | undefined, more: boolean | undefined): Capped {
  const items = new Map<string, Span>()
  const entries = new Map<string, string>()
  for (const v of values ?? []) {
    const [key, f, l] = v.split('|') as [string, string, string]
    items.set(key, { f: Number(f), l: Number(l) })
    entries.set(key, v)
  }
  return { items, more: more === true, entries }
}

/**
 * An action's entry in `stamps`: `action|first|firstId|last|lastId`, then the next first occurrences, each as
 * `|time|id`. The last stays where entries written when only the first occurrence was kept have it: those read
 * as a first stamp alone, and a worker of that version reads the first and last of these and writes back the
 * two, which Occurrences takes as knowing no more. Splitting on `|` is safe: actions match
 * `^[a-z][a-z0-9_]{0,63}$` and event ids `^[A-Za-z0-9][A-Za-z0-9._:@-]*$` (events/schema.ts) or are UUIDs.
 */
export function stampEntry (action: string, o: Occurrences): string {
  const first = firstOf(o)
  let entry = `${action}|${first.t}|${first.id}|${o.l.t}|${o.l.id}`
  for (const s of o.f.slice(1)) entry += `|${s.t}|${s.id}`
  return entry
}

/** An entry of `stamps` (stampEntry): the action and its occurrences. */
export function parseStamp (v: string): { action: string } & Occurrences {
  const p = v.split('|')
  const stamp = (i: number): Stamp => ({ t: Number(p[i]), id: p[i + 1] as string })
  const f = [stamp(1)]
  for (let i = 5; i + 1 < p.length; i += 2) f.push(stamp(i))
  return { action: p[0] as string, f, l: stamp(3) }
}

export function fromDoc (doc: EntityDoc): EntityState {
  if (!(KINDS as readonly string[]).includes(doc.kind)) throw new Error(`not an entity: ${doc.kind}`)
  const s = emptyState(doc.tenant, doc.kind, doc.key)
  s.first = { t: doc.first, id: doc.first_id }
  s.last = { t: doc.last, id: doc.last_id }
  s.countries = spanMap(doc.countries)
  s.users = cappedIn(doc.users, doc.users_more)
  for (const v of doc.stamps ?? []) {
    const { action, f, l } = parseStamp(v)
    s.actions.set(action, { f, l })
  }
  for (const t of doc.active ?? []) {
    const day = Math.floor(t / DAY_MS)
    const d = s.days.get(day)
    s.days.set(day, d === undefined ? { f: t, l: t } : { f: Math.min(d.f, t), l: Math.max(d.l, t) })
  }
  if (doc.active_days !== undefined) s.activeDays = DaySet.decode(doc.active_days)
  else for (const day of s.days.keys()) s.activeDays.add(day)
  keepCohortDays(s)
  s.devices = cappedIn(doc.devices, doc.devices_more)
  s.ips = cappedIn(doc.ips, doc.ips_more)
  s.places = cappedIn(doc.places, doc.places_more)
  if (doc.login !== undefined) {
    const { t, id, ...rest } = doc.login
    s.login = { stamp: { t, id }, ...rest }
  }
  s.totals.events = doc.events ?? 0
  for (const l of LEVELS) s.totals.levels[l] = doc.levels?.[l] ?? 0
  s.levelLast = { ...doc.level_last }
  s.levelMax = { ...doc.level_max }
  for (const v of doc.money ?? []) {
    const [action, currency, units, n] = v.split('|') as [string, string, string, string]
    s.totals.money.set(`${action}|${currency}`, { units: BigInt(units), n: Number(n) })
  }
  decodeLedger(doc.ledger ?? '', s.ledger)
  s.ledgerFrom = doc.ledger_from ?? Number.NEGATIVE_INFINITY
  return s
}

/** The name of a set of levels in `risk`: their initials, in LEVELS order. */
export const riskSetName = (levels: readonly Level[]): string => LEVELS.filter(l => levels.includes(l)).map(l => l[0]).join('')

/** Every non-empty set of levels, with its name: computed once (an entity is encoded at each write). */
const RISK_SETS = Array.from({ length: (1 << LEVELS.length) - 1 }, (_, i) => {
  const levels = LEVELS.filter((_, b) => ((i + 1) & (1 << b)) !== 0)
  return { name: riskSetName(levels), levels }
})

function riskSets (s: EntityState): Record<string, { n: number, max: number, last: number }> {
  const out: Record<string, { n: number, max: number, last: number }> = {}
  // Every set with at least one event: a user with high events only is in `h`, `hc`, `mh`, … alike.
  for (const { name, levels } of RISK_SETS) {
    let n = 0
    let max = Number.NEGATIVE_INFINITY
    let last = Number.NEGATIVE_INFINITY
    for (const l of levels) {
      if (s.totals.levels[l] === 0) continue
      n += s.totals.levels[l]
      max = Math.max(max, s.levelMax[l] ?? max)
      last = Math.max(last, s.levelLast[l] ?? last)
    }
    if (n > 0) out[name] = { n, max, last }
  }
  return out
}

const HASH = 12

function encodeLedger (ledger: Map<string, number>): string {
  const groups = new Map<number, string[]>()
  for (const [h, t] of ledger) {
    const g = groups.get(t)
    if (g === undefined) groups.set(t, [h])
    else g.push(h)
  }
  // Sorted, so that the same ledger is always the same text.
  return [...groups].sort((a, b) => a[0] - b[0]).map(([t, hs]) => `${t.toString(36)}:${hs.sort().join('')}`).join(';')
}

function decodeLedger (text: string, into: Map<string, number>): void {
  if (text === '') return
  for (const group of text.split(';')) {
    const colon = group.indexOf(':')
    const t = parseInt(group.slice(0, colon), 36)
    for (let i = colon + 1; i + HASH <= group.length; i += HASH) into.set(group.slice(i, i + HASH), t)
  }
}
