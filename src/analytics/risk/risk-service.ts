import type { ReadScope } from '../../auth/read-scope.ts'
import type { EventsAggregator } from '../../store/events/events-aggregate.ts'
import type { AlertsStore } from '../../store/system/alerts-store.ts'
import type { StoredAlert } from '../../alerts/alert-schema.ts'
import { maskAlert } from '../../alerts/alert-masking.ts'
import { buildQuery } from '../../query/build-query.ts'
import { maskedFieldProblem } from '../../query/masked-access.ts'
import type { SignalsService } from '../signals/signals-service.ts'
import { and, DEFAULT_SCAN_LIMIT, durationOf, requestChecker, type Query } from '../behaviour/request.ts'
import { RiskRequest, type RiskResponse } from './risk-schema.ts'
import { rankByRisk, type SubjectRisk } from './risk-score.ts'
import { alertItems, eventsToLocate, signalItems, SUBJECT_FIELDS, type AlertFacts, type AnySignal, type FoundSignals, type Subject } from './risk-subjects.ts'
import { RiskReads } from './risk-reads.ts'

const check = requestChecker<RiskRequest>(RiskRequest, 'the risk request is invalid')
const DEFAULT_FROM = 'now-30d'
const MAX_ALERTS = 1000

type Found = Promise<{ signals: AnySignal[], bounds: { truncated: boolean } }>

/**
 * Risk per user, device or address over the selected events (default: the last 30 days): the fraud signals
 * with their default parameters, the tenant's open and acknowledged alerts, and each key's most important
 * events (high and critical), scored and decayed by risk-score.ts; risk-subjects.ts says what counts for whom.
 */
export class RiskService {
  private readonly reads: RiskReads

  constructor (private readonly signals: SignalsService, events: EventsAggregator, private readonly alerts: Pick<AlertsStore<StoredAlert>, 'search'>, private readonly clock: { now: () => number } = Date) {
    this.reads = new RiskReads(events)
  }

  async rank (body: unknown, scope: ReadScope): Promise<RiskResponse> {
    let halfLifeMs = 0
    const { req, query: selected } = check(body, scope, (r, errors) => {
      halfLifeMs = durationOf(r.halfLife ?? '7d', '/halfLife', 365 * 86_400_000, '365d', errors)
      if (halfLifeMs > 0 && halfLifeMs < 3_600_000) errors.push({ index: 0, path: '/halfLife', message: 'must be at least 1h' })
      // Ranking addresses groups events by clear address: refused to masked readers, like any grouping on it.
      if (scope.masked && r.subject === 'ip') errors.push({ index: 0, path: '/subject', message: maskedFieldProblem(SUBJECT_FIELDS.ip) as string })
    })
    const subject = req.subject ?? 'user'
    const field = SUBJECT_FIELDS[subject]
    const period = req.filters?.period
    const query = period === undefined ? and(selected, { range: { '@timestamp': { gte: DEFAULT_FROM } } }) : selected
    const now = this.clock.now()
    const { found, truncated } = await this.findings(query, subject, req.scanLimit ?? DEFAULT_SCAN_LIMIT, scope)
    const alerts = await this.openAlerts(scope, subject, period?.from ?? DEFAULT_FROM, period?.to)
    // Where the events of findings and alerts about users happened; looked up over the whole tenant, as facts.
    const toLocate = eventsToLocate(found, alerts, subject)
    const located = toLocate.length === 0 ? new Map<string, string>() : await this.reads.keysOfEvents(buildQuery({}, scope, []), field, toLocate)
    const keyOf = (id: string): string | undefined => located.get(id)
    const items = [...signalItems(found, subject, keyOf), ...alertItems(alerts, subject, keyOf)]
    items.push(...await this.reads.importantEvents(query, field, [...new Set(items.map(i => i.key))]))
    const ranked = rankByRisk(items, now, halfLifeMs)
    const top = ranked.slice(0, req.size ?? 20)
    const common = { subject, found: ranked.length, halfLifeMs, at: new Date(now).toISOString(), truncated }
    if (subject === 'user') return { ...common, users: top.map(r => ({ userId: r.key, score: r.score, contributions: r.contributions })) }
    const listed = await this.withUsers(query, field, top)
    return subject === 'device'
      ? { ...common, devices: listed.map(({ key, ...r }) => ({ deviceId: key, ...r })) }
      : { ...common, ips: listed.map(({ key, ...r }) => ({ ip: key, ...r })) }
  }

  /** The signals that can concern the subject, each with what its findings are keyed by. */
  private async findings (query: Query, subject: Subject, scanLimit: number, scope: ReadScope): Promise<{ found: FoundSignals[], truncated: boolean }> {
    const base = { size: 1000, scanLimit }
    const runs: Array<[string, Subject, Found]> = [
      ['change-then-withdraw', 'user', this.signals.findChangeThenWithdraw(query, base, 86_400_000, scope) as unknown as Found],
      ['impossible-travel', 'user', this.signals.findImpossibleTravel(query, { ...base, maxSpeedKmh: 1000, minDistanceKm: 100 }, scope) as unknown as Found],
      ['failed-logins', 'user', this.signals.findFailedLogins(query, { ...base, by: 'user', threshold: 5 }, 600_000, scope) as unknown as Found]
    ]
    if (subject === 'ip') {
      runs.push(['failed-logins', 'ip', this.signals.findFailedLogins(query, { ...base, by: 'ip', threshold: 5 }, 600_000, scope) as unknown as Found])
      runs.push(['shared-ip', 'ip', this.signals.findSharedKeys(query, { by: 'ip', minUsers: 3, size: 1000 }, scope) as unknown as Found])
    } else {
      runs.push(['shared-device', 'device', this.signals.findSharedKeys(query, { by: 'device', minUsers: 3, size: 1000 }, scope) as unknown as Found])
    }
    const results = await Promise.all(runs.map(r => r[2]))
    return {
      found: results.map((f, i) => ({ name: runs[i]?.[0] as string, keyedBy: runs[i]?.[1] as Subject, signals: f.signals })),
      truncated: results.some(f => f.bounds.truncated)
    }
  }

  /** Open and acknowledged alerts: those grouped by the subject's field and, for devices and addresses, the newest of any group. */
  private async openAlerts (scope: ReadScope, subject: Subject, from: string, to: string | undefined): Promise<AlertFacts[]> {
    const filter = { tenant: scope.tenant, status: ['open', 'acknowledged'], from, ...(to === undefined ? {} : { to }) }
    const grouped = (await this.alerts.search({ ...filter, groupField: SUBJECT_FIELDS[subject] }, MAX_ALERTS)).alerts
    const seen = new Set(grouped.map(a => a.id))
    const others = subject === 'user' ? [] : (await this.alerts.search(filter, MAX_ALERTS)).alerts.filter(a => !seen.has(a.id))
    // Their figures are shown as contributions: a masked reader sees them as /v1/alerts shows them.
    return [...grouped, ...others].map(a => scope.masked ? maskAlert(a) : a)
  }

  private async withUsers (query: Query, field: string, top: SubjectRisk[]): Promise<Array<SubjectRisk & { users: { count: number, complete: boolean, ids: string[] } }>> {
    const users = await this.reads.usersOn(query, field, top.map(r => r.key))
    return top.map(r => ({ key: r.key, score: r.score, users: users.get(r.key) ?? { count: 0, complete: true, ids: [] }, contributions: r.contributions }))
  }
}
