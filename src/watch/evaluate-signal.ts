import type { SignalsService } from '../analytics/signals/signals-service.ts'
import type { Signal } from '../analytics/signals/common.ts'
import { FAILED_SIGN_IN } from '../analytics/signals/failed-logins.ts'
import { LOCATED_SIGN_IN } from '../analytics/signals/impossible-travel.ts'
import { SHARED_FIELDS } from '../analytics/signals/shared-keys.ts'
import { CHANGE_ACTIONS } from '../analytics/signals/change-withdraw.ts'
import { parseDuration } from '../analytics/behaviour/request.ts'
import { PLATFORM_SCOPE } from '../auth/read-scope.ts'
import type { WatchReads } from '../store/events/watch-reads.ts'
import type { SignalCondition } from './rule-schema.ts'
import { and, isoOf, sliceOf, RUN_LIMITS, type Evaluation, type Finding, type Query, type RunSpan, type StatesOf } from './evaluation.ts'

const H = 3_600_000
const D = 24 * H
/** Half the Earth's circumference: no two places are further apart. */
const MAX_DISTANCE_KM = 20_038

type Found = Promise<{ signals: Array<Signal<Record<string, unknown>>>, found: number, bounds: { scanned: number, truncated: boolean } }>

interface Plan {
  /** Events that can take part in a finding: new ones among them point at the keys to look at. */
  relevant: Query[]
  keyField: string
  /** How far before the earliest new event a finding can reach back. */
  reachMs: (span: RunSpan) => number
  /** `covered`: per key, the latest event time its earlier alerts covered. */
  detect: (query: Query, covered: ReadonlyMap<string, number>) => Found
}

function planOf (signals: SignalsService, c: SignalCondition): Plan {
  const p = c.params ?? {}
  const base = { size: RUN_LIMITS.signals, scanLimit: RUN_LIMITS.scan }
  const scope = PLATFORM_SCOPE
  if (c.signal === 'failed-logins') {
    const windowMs = parseDuration(p.window ?? '10m') as number
    const by = p.by === 'ip' ? 'ip' : 'user'
    return {
      relevant: [FAILED_SIGN_IN], keyField: by === 'ip' ? 'source.ip' : 'user.id', reachMs: () => windowMs,
      // Bursts from events after what each key's alerts covered: one burst per key is found (the densest), and
      // an older one already alerted would hide a newer one for as long as both are in reach.
      detect: async (q, covered) => await (signals.findFailedLogins(q, { ...base, by, threshold: p.threshold ?? 5 }, windowMs, scope, covered) as unknown as Found)
    }
  }
  if (c.signal === 'impossible-travel') {
    const maxSpeedKmh = p.maxSpeedKmh ?? 1000
    return {
      relevant: LOCATED_SIGN_IN, keyField: 'user.id', reachMs: () => Math.min(30 * D, Math.ceil(MAX_DISTANCE_KM / maxSpeedKmh * H)),
      detect: async q => await (signals.findImpossibleTravel(q, { ...base, maxSpeedKmh, minDistanceKm: p.minDistanceKm ?? 100 }, scope) as unknown as Found)
    }
  }
  if (c.signal === 'shared-device') {
    const by = p.by === 'ip' ? 'ip' : 'device'
    const windowMs = parseDuration(p.window ?? '30d') as number
    return {
      relevant: [{ exists: { field: SHARED_FIELDS[by] } }, { exists: { field: 'user.id' } }], keyField: SHARED_FIELDS[by],
      reachMs: () => windowMs,
      detect: async q => await (signals.findSharedKeys(q, { by, minUsers: p.minUsers ?? 3, size: RUN_LIMITS.signals }, scope) as unknown as Found)
    }
  }
  const windowMs = parseDuration(p.window ?? '24h') as number
  return {
    relevant: [{ terms: { 'event.action': [...CHANGE_ACTIONS, 'withdrawal'] } }], keyField: 'user.id', reachMs: () => windowMs,
    detect: async q => await (signals.findChangeThenWithdraw(q, base, windowMs, scope) as unknown as Found)
  }
}

/** When the finding happened: its latest event (a burst's last failure). */
function lastTimeOf (s: Signal<Record<string, unknown>>): number {
  const to = s.figure.to
  const times = s.evidence.map(e => Date.parse(e['@timestamp']))
  return typeof to === 'string' ? Date.parse(to) : Math.max(...times)
}

/**
 * A fraud-signal rule's run: the keys (users, addresses, devices) with new events that can take part in the
 * signal, then the signal over those keys' events from as far back as a finding can reach. A finding is new
 * when it ends after what the key's earlier alerts covered and no earlier than the key's first new event;
 * for shared devices and addresses, when the key has more users than its last alert reported.
 */
export async function evaluateSignal (io: { reads: WatchReads, signals: SignalsService }, name: string, c: SignalCondition, selection: Query, span: RunSpan, statesOf: StatesOf): Promise<Evaluation> {
  const plan = planOf(io.signals, c)
  const fresh = await io.reads.newKeys({ query: and(selection, ...plan.relevant), ...sliceOf(span), fields: [plan.keyField], cap: RUN_LIMITS.groups })
  if (fresh.keys.length === 0) return { findings: [], scanned: 0, groups: 0, truncated: fresh.truncated }
  const firstNew = new Map(fresh.keys.map(k => [k.values[0] as string, k.minTime]))
  const minTime = Math.min(...firstNew.values())
  const from = c.signal === 'shared-device' ? span.until - plan.reachMs(span) : minTime - plan.reachMs(span)
  const states = await statesOf([...firstNew.keys()])
  const covered = new Map<string, number>()
  for (const [key, state] of states) if (key !== null && state.covered_to != null) covered.set(key, state.covered_to)
  const found = await plan.detect(and(selection, { terms: { [plan.keyField]: [...firstNew.keys()] } }, { range: { '@timestamp': { gte: isoOf(from) } } }), covered)
  const findings: Finding[] = []
  for (const s of found.signals) {
    const state = states.get(s.key)
    const last = lastTimeOf(s)
    const first = Math.min(...s.evidence.map(e => Date.parse(e['@timestamp'])))
    if (c.signal === 'shared-device') {
      if (Number(s.figure.users) <= (state?.mark ?? 0)) continue
    } else if (last <= (state?.covered_to ?? -Infinity) || last < (firstNew.get(s.key) ?? Infinity)) continue
    findings.push({
      group: s.key, groupField: plan.keyField,
      title: `${name}: ${c.signal} for ${plan.keyField} ${s.key}`,
      figure: { signal: c.signal, ...s.figure, accounts: s.users.slice(0, 20) },
      evidence: s.evidence.map(e => e.id), firstTime: first, lastTime: last, coveredTo: last,
      ...(c.signal === 'shared-device' ? { mark: Number(s.figure.users) } : {})
    })
  }
  // More findings than the detector keeps (its strongest RUN_LIMITS.signals): the others are not examined by this
  // run nor by a later one; more keys than the groups bound: the next run goes on after the last one.
  const truncated = fresh.truncated || found.bounds.truncated || found.found > found.signals.length
  return { findings, scanned: found.bounds.scanned, groups: fresh.keys.length, truncated, stoppedAt: fresh.truncated ? fresh.keys.at(-1)?.at : undefined }
}
