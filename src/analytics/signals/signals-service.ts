import type { ReadScope } from '../../auth/read-scope.ts'
import type { FieldError } from '../../errors.ts'
import { maskedFieldProblem } from '../../query/masked-access.ts'
import type { Bounds, EventsScanner, Sample } from '../../store/events/events-scan.ts'
import { and, DEFAULT_SCAN_LIMIT, durationOf, requestChecker, str, type Query } from '../behaviour/request.ts'
import { EVIDENCE_FIELDS, evidenceOf, evidenceOfScanned, MAX_EVIDENCE, maskSignal, TopN, type Collector, type Signal } from './common.ts'
import { BurstDetector, FAILED_SIGN_IN, FailedLoginsRequest, MAX_BURST_WINDOW_MS, type BurstFigure } from './failed-logins.ts'
import { ImpossibleTravelRequest, LOCATED_SIGN_IN, pointOf, TravelDetector, type TravelFigure } from './impossible-travel.ts'
import { candidateKeys, KEYS_PER_LIST, SHARED_FIELDS, SharedKeysRequest, sharedKeysAggs, sharedSignals, userListAggs, userLists, type SharedFigure } from './shared-keys.ts'
import { CHANGE_ACTIONS, ChangeWithdrawDetector, ChangeWithdrawRequest, MAX_CHANGE_WINDOW_MS, type ChangeWithdrawFigure } from './change-withdraw.ts'
import type { EntitySource } from '../entities/source.ts'
import { sharedFromEntities } from '../entities/shared-entities.ts'
import { travelCandidates } from '../entities/travel-entities.ts'

const INVALID = 'the request is invalid'
const checkFailed = requestChecker<FailedLoginsRequest>(FailedLoginsRequest, INVALID)
const checkTravel = requestChecker<ImpossibleTravelRequest>(ImpossibleTravelRequest, INVALID)
const checkShared = requestChecker<SharedKeysRequest>(SharedKeysRequest, INVALID)
const checkChange = requestChecker<ChangeWithdrawRequest>(ChangeWithdrawRequest, INVALID)

export interface Signals<F> { signals: Array<Signal<F>>, found: number, bounds: Bounds }

const ID_BATCH = 5000

const scanned = <F>(r: Signals<F>): Signals<F> => ({ ...r, bounds: { ...r.bounds, source: 'scan' } })

/** Signals per address group events by clear address: refused to masked readers, like any grouping on it. */
function checkAddressKey (scope: ReadScope, by: string | undefined, errors: FieldError[]): void {
  if (scope.masked && by === 'ip') errors.push({ index: 0, path: '/by', message: maskedFieldProblem(SHARED_FIELDS.ip) as string })
}

/**
 * Fraud and security signals over the events a search would return. Sequences are found by streaming the few
 * events they are made of, in key order; shared devices and addresses come from aggregations.
 */
export class SignalsService {
  /** `source`: the entity store, where it can answer (shared devices and addresses, travel candidates). */
  constructor (private readonly scanner: EventsScanner, private readonly source?: EntitySource) {}

  /**
   * The answer, with the evidence completed: scans read only the fields their rule needs, and the few events
   * shown as evidence (at most size × 20) are read in full afterwards.
   */
  private async answer<F> (query: Query, top: Collector<Signal<F>>, bounds: Bounds, scope: ReadScope, keyIsIp = false): Promise<Signals<F>> {
    const signals = top.list()
    const ids = [...new Set(signals.flatMap(s => s.evidence.map(e => e.id)))]
    const requests = []
    for (let i = 0; i < ids.length; i += ID_BATCH) requests.push({ query: and(query, { terms: { 'event.id': ids.slice(i, i + ID_BATCH) } }), size: ID_BATCH })
    // Event ids are unique within a tenant: a key reading several tenants may find one id in two of them.
    const found = new Map<string, Sample[]>()
    for (const h of (await this.scanner.samples(requests, EVIDENCE_FIELDS)).flat()) found.set(h.id, [...(found.get(h.id) ?? []), h])
    for (const s of signals) {
      s.evidence = s.evidence.map(e => {
        const candidates = (found.get(e.id) ?? []).filter(h => e.tenant === undefined || h.fields['audit.tenant'] === e.tenant)
        const h = candidates.length === 1 ? candidates[0] : undefined
        return h === undefined ? e : evidenceOf(h.id, h.time, h.fields)
      })
    }
    return { signals: scope.masked ? signals.map(s => maskSignal(s, keyIsIp)) : signals, found: top.found, bounds }
  }

  async failedLogins (body: unknown, scope: ReadScope): Promise<Signals<BurstFigure>> {
    let windowMs = 0
    const { req, query } = checkFailed(body, scope, (r, errors) => {
      windowMs = durationOf(r.window ?? '10m', '/window', MAX_BURST_WINDOW_MS, '1d', errors)
      checkAddressKey(scope, r.by, errors)
    })
    return await this.findFailedLogins(query, req, windowMs, scope)
  }

  /**
   * Failed sign-in bursts over a selection already compiled and confined (the request's, or a watch rule's).
   * `after`: per key, a time up to which its events are left out (what a rule's earlier alerts covered), so that
   * a new burst is not hidden behind a denser one already alerted. `top`: where findings go (by default the
   * `size` strongest are kept), as for the other detectors.
   */
  async findFailedLogins (query: Query, req: Omit<FailedLoginsRequest, 'filters' | 'query' | 'timeZone'>, windowMs: number, scope: ReadScope, after?: ReadonlyMap<string, number>, top: Collector<Signal<BurstFigure>> = new TopN(req.size ?? 100)): Promise<Signals<BurstFigure>> {
    const byIp = req.by === 'ip'
    const detector = new BurstDetector(req.threshold ?? 5, windowMs, s => top.add(s, s.figure.failures))
    const bounds = await this.scanner.scan({
      query: and(query, FAILED_SIGN_IN, ...(byIp ? [{ exists: { field: 'source.ip' } }] : [])),
      keys: [byIp ? 'source.ip' : 'user.id'], fields: byIp ? ['user.id'] : [], limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, events => {
      for (const e of events) {
        const key = e.keys[0] ?? ''
        if (after !== undefined && e.time <= (after.get(key) ?? -Infinity)) continue
        detector.push(key, e.time, byIp ? str(e.fields['user.id']) ?? '' : key, e.id)
      }
    })
    detector.finish()
    return await this.answer(query, top, bounds, scope, byIp)
  }

  async impossibleTravel (body: unknown, scope: ReadScope): Promise<Signals<TravelFigure>> {
    const { req, query } = checkTravel(body, scope)
    const store = this.source?.entities
    if (await this.source?.choose(req, scope) === 'entities' && store !== undefined) {
      // Only users whose sign-in places could make a pair are scanned, with the same detector.
      const candidates = await travelCandidates(store, scope, req.maxSpeedKmh ?? 1000, req.minDistanceKm ?? 100, async () => await this.scanner.count(and(query, ...LOCATED_SIGN_IN)))
      if (candidates !== undefined) {
        const found = await this.findImpossibleTravel(and(query, { terms: { 'user.id': candidates.users } }), req, scope)
        return { ...found, bounds: { ...found.bounds, scanned: found.bounds.scanned + candidates.read, source: 'entities' } }
      }
    }
    return scanned(await this.findImpossibleTravel(query, req, scope))
  }

  async findImpossibleTravel (query: Query, req: Omit<ImpossibleTravelRequest, 'filters' | 'query' | 'timeZone'>, scope: ReadScope, top: Collector<Signal<TravelFigure>> = new TopN(req.size ?? 100)): Promise<Signals<TravelFigure>> {
    const detector = new TravelDetector(req.maxSpeedKmh ?? 1000, req.minDistanceKm ?? 100, (s, speed) => top.add(s, speed))
    const bounds = await this.scanner.scan({
      query: and(query, ...LOCATED_SIGN_IN), keys: ['user.id'], fields: ['source.geo.location'], limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, events => {
      for (const e of events) {
        const at = pointOf(e.fields['source.geo.location'])
        if (at !== undefined) detector.push(e.keys[0] ?? '', e.time, at, evidenceOfScanned(e))
      }
    })
    return await this.answer(query, top, bounds, scope)
  }

  async sharedKeys (body: unknown, scope: ReadScope): Promise<Signals<SharedFigure>> {
    const { req, query } = checkShared(body, scope, (r, errors) => { checkAddressKey(scope, r.by, errors) })
    const store = this.source?.entities
    if (await this.source?.choose(req, scope) === 'entities' && store !== undefined) {
      const { signals, bounds } = await sharedFromEntities(store, this.scanner, scope, query, req.by ?? 'device', req.minUsers ?? 3, req.size ?? 100)
      const top = new TopN<Signal<SharedFigure>>(req.size ?? 100)
      for (const s of signals) top.add(s, s.figure.users)
      return await this.answer(query, top, bounds, scope, req.by === 'ip')
    }
    return scanned(await this.findSharedKeys(query, req, scope))
  }

  async findSharedKeys (query: Query, req: Omit<SharedKeysRequest, 'filters' | 'query' | 'timeZone'>, scope: ReadScope): Promise<Signals<SharedFigure>> {
    const field = SHARED_FIELDS[req.by ?? 'device']
    const minUsers = req.minUsers ?? 3
    const size = req.size ?? 100
    const aggs = await this.scanner.aggregate(query, sharedKeysAggs(field, minUsers, size))
    // Each candidate's exact users, a few keys per search, one search after another.
    const keys = candidateKeys(aggs)
    const answers = []
    for (let i = 0; i < keys.length; i += KEYS_PER_LIST) {
      const batch = keys.slice(i, i + KEYS_PER_LIST)
      answers.push(await this.scanner.aggregate(and(query, { terms: { [field]: batch } }), userListAggs(field, batch.length)))
    }
    const { signals, bounds } = sharedSignals(aggs, userLists(answers), minUsers, size)
    // Evidence: the first event of each of the key's first users (one search per signal, in one round trip).
    const samples = await this.scanner.samples(signals.map(s => ({ query: and(query, { term: { [field]: s.key } }), size: MAX_EVIDENCE, collapse: 'user.id' })), [])
    signals.forEach((s, i) => {
      s.evidence = (samples[i] ?? []).map(h => evidenceOf(h.id, h.time, h.fields))
    })
    const top = new TopN<Signal<SharedFigure>>(size)
    for (const s of signals) top.add(s, s.figure.users)
    return await this.answer(query, top, bounds, scope, req.by === 'ip')
  }

  async changeThenWithdraw (body: unknown, scope: ReadScope): Promise<Signals<ChangeWithdrawFigure>> {
    let windowMs = 0
    const { req, query } = checkChange(body, scope, (r, errors) => { windowMs = durationOf(r.window ?? '24h', '/window', MAX_CHANGE_WINDOW_MS, '30d', errors) })
    return await this.findChangeThenWithdraw(query, req, windowMs, scope)
  }

  async findChangeThenWithdraw (query: Query, req: Omit<ChangeWithdrawRequest, 'filters' | 'query' | 'timeZone' | 'window'>, windowMs: number, scope: ReadScope, top: Collector<Signal<ChangeWithdrawFigure>> = new TopN(req.size ?? 100)): Promise<Signals<ChangeWithdrawFigure>> {
    // The quickest withdrawals after a change rank first.
    const detector = new ChangeWithdrawDetector(windowMs, (s, elapsed) => top.add(s, -elapsed))
    const bounds = await this.scanner.scan({
      query: and(query, { terms: { 'event.action': [...CHANGE_ACTIONS, 'withdrawal'] } }), keys: ['user.id'], fields: ['event.action', 'event.outcome', 'audit.money.amount', 'audit.money.currency'], limit: req.scanLimit ?? DEFAULT_SCAN_LIMIT
    }, events => {
      for (const e of events) detector.push(e.keys[0] ?? '', e.time, evidenceOfScanned(e))
    })
    detector.finish()
    return await this.answer(query, top, bounds, scope)
  }
}
