import type { SignalsService } from '../analytics/signals/signals-service.ts'
import { FAILED_SIGN_IN } from '../analytics/signals/failed-logins.ts'
import { LOCATED_SIGN_IN } from '../analytics/signals/impossible-travel.ts'
import { SHARED_FIELDS } from '../analytics/signals/shared-keys.ts'
import { CHANGE_ACTIONS } from '../analytics/signals/change-withdraw.ts'
import { parseDuration } from '../analytics/behaviour/request.ts'
import { PLATFORM_SCOPE } from '../auth/read-scope.ts'
import type { Bounds } from '../store/events/events-scan.ts'
import type { NewKey, WatchReads } from '../store/events/watch-reads.ts'
import type { SignalCondition } from './rule-schema.ts'
import { lastTimeOf, NewFindings, type AnySignal } from './new-findings.ts'
import { and, isoOf, sliceOf, RUN_LIMITS, type Evaluation, type Finding, type Query, type RunSpan, type StatesOf } from './evaluation.ts'

const H = 3_600_000
const D = 24 * H
/** Half the Earth's circumference: no two places are further apart. */
const MAX_DISTANCE_KM = 20_038

type Found = Promise<{ signals: AnySignal[], bounds: Bounds }>

interface Plan {
  /** Events that can take part in a finding: new ones among them point at the keys to look at. */
  relevant: Query[]
  keyField: string
  /** How far before the earliest new event a finding can reach back. */
  reachMs: number
  /**
   * `covered`: per key, the latest event time its earlier alerts covered; `top` takes what the scanning
   * detectors find (shared keys come from aggregations, one finding per key).
   */
  detect: (query: Query, covered: ReadonlyMap<string, number>, top: NewFindings, scanLimit: number) => Found
}

function planOf (signals: SignalsService, c: SignalCondition): Plan {
  const p = c.params ?? {}
  const base = (scanLimit: number): { size: number, scanLimit: number } => ({ size: RUN_LIMITS.signals, scanLimit })
  const scope = PLATFORM_SCOPE
  if (c.signal === 'failed-logins') {
    const windowMs = parseDuration(p.window ?? '10m') as number
    const by = p.by === 'ip' ? 'ip' : 'user'
    return {
      relevant: [FAILED_SIGN_IN], keyField: by === 'ip' ? 'source.ip' : 'user.id', reachMs: windowMs,
      // Bursts from events after what each key's alerts covered: one burst per key is found (the densest), and
      // an older one already alerted would hide a newer one for as long as both are in reach.
      detect: async (q, covered, top, limit) => await (signals.findFailedLogins(q, { ...base(limit), by, threshold: p.threshold ?? 5 }, windowMs, scope, covered, top as never) as unknown as Found)
    }
  }
  if (c.signal === 'impossible-travel') {
    const maxSpeedKmh = p.maxSpeedKmh ?? 1000
    return {
      relevant: LOCATED_SIGN_IN, keyField: 'user.id', reachMs: Math.min(30 * D, Math.ceil(MAX_DISTANCE_KM / maxSpeedKmh * H)),
      detect: async (q, _, top, limit) => await (signals.findImpossibleTravel(q, { ...base(limit), maxSpeedKmh, minDistanceKm: p.minDistanceKm ?? 100 }, scope, top as never) as unknown as Found)
    }
  }
  if (c.signal === 'shared-device') {
    const by = p.by === 'ip' ? 'ip' : 'device'
    return {
      relevant: [{ exists: { field: SHARED_FIELDS[by] } }, { exists: { field: 'user.id' } }], keyField: SHARED_FIELDS[by],
      reachMs: parseDuration(p.window ?? '30d') as number,
      detect: async q => await (signals.findSharedKeys(q, { by, minUsers: p.minUsers ?? 3, size: RUN_LIMITS.signals }, scope) as unknown as Found)
    }
  }
  const windowMs = parseDuration(p.window ?? '24h') as number
  return {
    relevant: [{ terms: { 'event.action': [...CHANGE_ACTIONS, 'withdrawal'] } }], keyField: 'user.id', reachMs: windowMs,
    detect: async (q, _, top, limit) => await (signals.findChangeThenWithdraw(q, base(limit), windowMs, scope, top as never) as unknown as Found)
  }
}

/**
 * A fraud-signal rule's run: the keys (users, addresses, devices) with new events that can take part in the
 * signal, then the signal over those keys' events from as far back as a finding can reach, a thousand keys at a
 * time with one finding kept per key, so that no key's finding is dropped for room. A finding is new when it
 * ends after what the key's earlier alerts covered and no earlier than the key's first new event; for shared
 * devices and addresses, when the key has more users than its last alert reported. Findings come in key order,
 * each with its key's position: a run stopped by a bound is gone on with after the last key it examined.
 */
export async function evaluateSignal (io: { reads: WatchReads, signals: SignalsService }, name: string, c: SignalCondition, selection: Query, span: RunSpan, statesOf: StatesOf): Promise<Evaluation> {
  const plan = planOf(io.signals, c)
  const fresh = await io.reads.newKeys({ query: and(selection, ...plan.relevant), ...sliceOf(span), fields: [plan.keyField], cap: RUN_LIMITS.groups })
  const findings: Finding[] = []
  let scanned = 0
  let examined = 0
  // A key passed over after the scan bound was read in part: the run says so even when no key is left after it.
  let cut = false
  while (examined < fresh.keys.length && scanned < RUN_LIMITS.scan) {
    const keys = fresh.keys.slice(examined, examined + RUN_LIMITS.signals)
    const part = await examineKeys(io.signals, plan, name, c, selection, span, statesOf, keys, RUN_LIMITS.scan - scanned)
    scanned += part.scanned
    cut ||= part.lastKey !== undefined
    const whole = part.lastKey === undefined ? keys.length : wholeKeys(keys, part.lastKey, examined === 0)
    for (const f of part.findings) if (f.index < whole) findings.push({ ...f.finding, at: keys[f.index]?.at })
    examined += whole
    if (whole < keys.length) break
  }
  const stopped = examined < fresh.keys.length || fresh.truncated
  return { findings, scanned, groups: examined, truncated: stopped || cut, stoppedAt: stopped ? fresh.keys[examined - 1]?.at : undefined }
}

/**
 * How many of the keys a scan stopped by its bound at `lastKey` read whole: those before it, or, when no key
 * of the run was examined yet (`first`), the first alone, passed over so that the runs move on. A last key that
 * is none of them (an event with several values of the key field is sorted by its smallest) proves nothing read.
 */
function wholeKeys (keys: readonly NewKey[], lastKey: string | null, first: boolean): number {
  const at = keys.findIndex(k => k.values[0] === lastKey)
  return at > 0 ? at : first ? 1 : 0
}

interface Examined {
  /** New findings in key order, each with its key's index among the keys examined. */
  findings: Array<{ index: number, finding: Finding }>
  scanned: number
  /** Present when the scan bound stopped the reading: the key of the last event read. */
  lastKey?: string | null
}

async function examineKeys (signals: SignalsService, plan: Plan, name: string, c: SignalCondition, selection: Query, span: RunSpan, statesOf: StatesOf, keys: readonly NewKey[], scanLimit: number): Promise<Examined> {
  const shared = c.signal === 'shared-device'
  const firstNew = new Map(keys.map(k => [k.values[0] as string, k.minTime]))
  const index = new Map(keys.map((k, i) => [k.values[0] as string, i]))
  const from = shared ? span.until - plan.reachMs : Math.min(...firstNew.values()) - plan.reachMs
  const states = await statesOf([...firstNew.keys()])
  const covered = new Map<string, number>()
  for (const [key, state] of states) if (key !== null && state.covered_to != null) covered.set(key, state.covered_to)
  const top = new NewFindings((s, last) => last > (covered.get(s.key) ?? -Infinity) && last >= (firstNew.get(s.key) ?? Infinity))
  const found = await plan.detect(and(selection, { terms: { [plan.keyField]: [...firstNew.keys()] } }, { range: { '@timestamp': { gte: isoOf(from) } } }), covered, top, scanLimit)
  const findings: Examined['findings'] = []
  for (const s of found.signals) {
    const i = index.get(s.key)
    if (i === undefined || (shared && Number(s.figure.users) <= (states.get(s.key)?.mark ?? 0))) continue
    const seen = top.of(s.key)
    const last = lastTimeOf(s)
    findings.push({
      index: i,
      finding: {
        group: s.key, groupField: plan.keyField,
        title: `${name}: ${c.signal} for ${plan.keyField} ${s.key}`,
        // `findings`: how many new ones the key had in this run; the strongest is the one shown.
        figure: { signal: c.signal, ...s.figure, accounts: s.users.slice(0, 20), ...(seen === undefined ? {} : { findings: seen.count }) },
        evidence: s.evidence.map(e => e.id), firstTime: Math.min(...s.evidence.map(e => Date.parse(e['@timestamp']))), lastTime: last,
        coveredTo: seen?.last ?? last, ...(shared ? { mark: Number(s.figure.users) } : {})
      }
    })
  }
  findings.sort((a, b) => a.index - b.index)
  return { findings, scanned: found.bounds.scanned, ...(found.bounds.truncated ? { lastKey: found.bounds.lastKey ?? null } : {}) }
}
