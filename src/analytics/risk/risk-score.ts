/**
 * Risk per user, device or address, as plain arithmetic: every finding, alert and important event that
 * concerns one adds points, weighted by what it is, and halved every half-life since it happened. The weights
 * are data, listed in docs/alerts.md.
 */

/** Points of a fraud-signal finding, per user, device or address it concerns. */
export const SIGNAL_WEIGHTS: Record<string, number> = {
  'change-then-withdraw': 40,
  'impossible-travel': 35,
  'failed-logins': 20,
  'shared-device': 15,
  'shared-ip': 15
}

/** Points of an alert, by its severity. */
export const ALERT_WEIGHTS: Record<string, number> = { critical: 50, high: 30, medium: 15, low: 5 }

/** An important event (high or critical) adds its importance score (0–100) times this. */
export const EVENT_FACTOR = 0.1
/** Each further event with the same action counts half the one before: routine repeats do not add up. */
export const REPEAT_FACTOR = 0.5

export interface RiskItem {
  /** The user id, device id or address the item counts for. */
  key: string
  kind: 'signal' | 'alert' | 'event'
  /** Signal name, rule name, or event action. */
  name: string
  /** Alert severity, or event importance level. */
  level?: string
  /** Importance score, for events. */
  score?: number
  /** When it happened: a finding's latest event, an alert's latest event, an event's time (ms). */
  time: number
  eventIds: string[]
  alertId?: string
  figure?: unknown
}

export interface Contribution extends Omit<RiskItem, 'key' | 'time'> {
  at: string
  /** Points before decay. */
  weight: number
  /** Points after decay: what the score adds. */
  points: number
  /** Two findings about the same events count once (the larger); the other is named here. */
  sameAs?: string
}

export interface SubjectRisk { key: string, score: number, contributions: Contribution[] }

export const MAX_CONTRIBUTIONS = 20

/** `weight` halved every `halfLifeMs` since the item happened (nothing in the future counts more than once). */
export const decay = (weight: number, ageMs: number, halfLifeMs: number): number => weight * 2 ** (-Math.max(0, ageMs) / halfLifeMs)

const round = (n: number): number => Math.round(n * 100) / 100

function weightOf (item: RiskItem, repeats: number): number {
  if (item.kind === 'signal') return SIGNAL_WEIGHTS[item.name] ?? 10
  if (item.kind === 'alert') return ALERT_WEIGHTS[item.level ?? 'medium'] ?? 15
  return (item.score ?? 0) * EVENT_FACTOR * REPEAT_FACTOR ** repeats
}

/** Keys (users, devices or addresses) ranked by risk, highest first (ties by key), each with its contributions, largest first. */
export function rankByRisk (items: readonly RiskItem[], now: number, halfLifeMs: number): SubjectRisk[] {
  const byKey = new Map<string, RiskItem[]>()
  for (const i of items) {
    const list = byKey.get(i.key)
    if (list === undefined) byKey.set(i.key, [i])
    else list.push(i)
  }
  const out: SubjectRisk[] = []
  for (const [key, list] of byKey) {
    const contributions = [...mergeFindings(list, now, halfLifeMs), ...eventContributions(list, now, halfLifeMs)]
    contributions.sort((a, b) => b.points - a.points || (a.at < b.at ? 1 : -1))
    const score = round(contributions.reduce((s, c) => s + c.points, 0))
    out.push({ key, score, contributions: contributions.slice(0, MAX_CONTRIBUTIONS) })
  }
  return out.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : 1))
}

function contribution (item: RiskItem, weight: number, now: number, halfLifeMs: number): Contribution {
  const { key: _k, time, ...rest } = item
  return { ...rest, at: new Date(time).toISOString(), weight: round(weight), points: round(decay(weight, now - time, halfLifeMs)) }
}

// Findings of different kinds (a signal and an alert), or the same signal, can tell one story.
const sameStory = (a: RiskItem, b: RiskItem): boolean => a.kind !== b.kind || (a.kind === 'signal' && a.name === b.name)

/**
 * Signal findings and alerts; an alert sharing an event with a finding is the same story, counted once. So is
 * the same signal found two ways over the same events (a burst of failed sign-ins per user and per address).
 */
function mergeFindings (list: RiskItem[], now: number, halfLifeMs: number): Contribution[] {
  const findings = list.filter(i => i.kind !== 'event').map(i => ({ item: i, weight: weightOf(i, 0), sameAs: undefined as string | undefined, gone: false }))
  for (const a of findings) {
    if (a.gone) continue
    for (const b of findings) {
      if (b === a || b.gone || !sameStory(a.item, b.item)) continue
      if (!b.item.eventIds.some(id => a.item.eventIds.includes(id))) continue
      const [keep, drop] = b.weight > a.weight ? [b, a] : [a, b]
      drop.gone = true
      keep.sameAs = `${drop.item.kind} ${drop.item.name}`
      if (drop === a) break
    }
  }
  return findings.filter(f => !f.gone).map(f => ({ ...contribution(f.item, f.weight, now, halfLifeMs), ...(f.sameAs === undefined ? {} : { sameAs: f.sameAs }) }))
}

function eventContributions (list: RiskItem[], now: number, halfLifeMs: number): Contribution[] {
  const events = list.filter(i => i.kind === 'event').sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || b.time - a.time)
  const seen = new Map<string, number>()
  return events.map(e => {
    const repeats = seen.get(e.name) ?? 0
    seen.set(e.name, repeats + 1)
    return contribution(e, weightOf(e, repeats), now, halfLifeMs)
  })
}
