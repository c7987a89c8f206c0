import type { Signal } from '../signals/common.ts'
import type { RiskItem } from './risk-score.ts'

/**
 * What a risk ranking ranks, and the event field that names it. Findings and alerts count for the key they
 * name; those about users count for a device or an address through their events (where each happened).
 */
export const SUBJECT_FIELDS = { user: 'user.id', device: 'audit.device.id', ip: 'source.ip' } as const
export type Subject = keyof typeof SUBJECT_FIELDS
export const SUBJECTS = Object.keys(SUBJECT_FIELDS) as Subject[]

export type AnySignal = Signal<Record<string, unknown>>

/** A signal's findings, named as they are scored, with what their key is. */
export interface FoundSignals { name: string, keyedBy: Subject, signals: AnySignal[] }

/** The fields of an alert that say what it concerns (the stored alert has them). */
export interface AlertFacts {
  id: string
  rule_name: string | null
  system: string | null
  severity: string
  group: string | null
  group_field: string | null
  evidence: string[]
  last_event_at: string | null
  created_at: string
  figure: Record<string, unknown>
}

/** Which key (device id or address) each event happened on; undefined when the event has none. */
export type KeyOfEvent = (eventId: string) => string | undefined

/** The events of a list grouped by the key each happened on, in the list's order; events without one are left out. */
export function byKeyOfEvent (eventIds: readonly string[], keyOf: KeyOfEvent): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const id of eventIds) {
    const key = keyOf(id)
    if (key === undefined) continue
    const list = out.get(key)
    if (list === undefined) out.set(key, [id])
    else list.push(id)
  }
  return out
}

/** When a finding happened: its figure's end (a burst's last failure), else its latest event. */
function timeOf (s: AnySignal): number {
  const last = Math.max(...s.evidence.map(e => Date.parse(e['@timestamp'])))
  const to = typeof s.figure.to === 'string' ? Date.parse(s.figure.to) : last
  return Number.isFinite(to) ? to : last
}

/**
 * Risk items of signal findings for the subject ranked. Users: each user a finding names, with that user's own
 * events as evidence where they are told apart. Devices and addresses: a finding keyed by the subject counts
 * for its key; one keyed by user counts for each key its events happened on, with those events.
 */
export function signalItems (found: readonly FoundSignals[], subject: Subject, keyOf: KeyOfEvent): RiskItem[] {
  const items: RiskItem[] = []
  for (const { name, keyedBy, signals } of found) {
    for (const s of signals) {
      const base = { kind: 'signal' as const, name, time: timeOf(s), figure: s.figure }
      const ids = s.evidence.map(e => e.id)
      if (subject === 'user') {
        for (const key of s.users) {
          const own = s.evidence.filter(e => e.userId === key).map(e => e.id)
          items.push({ ...base, key, eventIds: own.length > 0 ? own : ids })
        }
      } else if (keyedBy === subject) {
        items.push({ ...base, key: s.key, eventIds: ids })
      } else {
        for (const [key, eventIds] of byKeyOfEvent(ids, keyOf)) items.push({ ...base, key, eventIds })
      }
    }
  }
  return items
}

/**
 * Risk items of open alerts for the subject ranked: an alert grouped by the subject's field counts for its
 * group; for devices and addresses, any other alert counts for each key its evidence events happened on.
 */
export function alertItems (alerts: readonly AlertFacts[], subject: Subject, keyOf: KeyOfEvent): RiskItem[] {
  const field = SUBJECT_FIELDS[subject]
  const items: RiskItem[] = []
  for (const a of alerts) {
    const base = { kind: 'alert' as const, name: a.rule_name ?? a.system ?? 'alert', level: a.severity, time: Date.parse(a.last_event_at ?? a.created_at), alertId: a.id, figure: a.figure }
    if (a.group !== null && a.group_field === field) items.push({ ...base, key: a.group, eventIds: a.evidence })
    else if (subject !== 'user') {
      for (const [key, eventIds] of byKeyOfEvent(a.evidence, keyOf)) items.push({ ...base, key, eventIds })
    }
  }
  return items
}

/** Event ids whose device or address must be looked up: those of findings and alerts not keyed by the subject. */
export function eventsToLocate (found: readonly FoundSignals[], alerts: readonly AlertFacts[], subject: Subject): string[] {
  if (subject === 'user') return []
  const ids = new Set<string>()
  for (const f of found) {
    if (f.keyedBy === subject) continue
    for (const s of f.signals) for (const e of s.evidence) ids.add(e.id)
  }
  for (const a of alerts) {
    if (a.group_field !== SUBJECT_FIELDS[subject]) for (const id of a.evidence) ids.add(id)
  }
  return [...ids]
}

/** The users seen on a device or an address: how many, whether counted exactly, and the first few. */
export interface UsersOnKey { count: number, complete: boolean, ids: string[] }

interface KeyBucket { key: string | number, key_as_string?: string, count?: { value?: number }, ids?: { buckets?: Array<{ key: string | number }>, sum_other_doc_count?: number } }

/**
 * Users per key from a terms aggregation with a `count` (cardinality) and an `ids` (terms) sub-aggregation:
 * exact when every user is listed, else the cardinality estimate (never below the number listed).
 */
export function usersOnKeys (buckets: readonly KeyBucket[]): Map<string, UsersOnKey> {
  const out = new Map<string, UsersOnKey>()
  for (const b of buckets) {
    const ids = (b.ids?.buckets ?? []).map(u => String(u.key))
    const complete = (b.ids?.sum_other_doc_count ?? 0) === 0
    out.set(b.key_as_string ?? String(b.key), { count: complete ? ids.length : Math.max(ids.length + 1, Math.round(b.count?.value ?? 0)), complete, ids })
  }
  return out
}
