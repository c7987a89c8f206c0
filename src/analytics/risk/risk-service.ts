import type { estypes } from '@elastic/elasticsearch'
import type { ReadScope } from '../../auth/read-scope.ts'
import type { EventsAggregator } from '../../store/events-aggregate.ts'
import type { AlertsStore } from '../../store/alerts-store.ts'
import type { SignalsService } from '../signals/signals-service.ts'
import type { Signal } from '../signals/common.ts'
import { and, DEFAULT_SCAN_LIMIT, durationOf, requestChecker, type Query } from '../behaviour/request.ts'
import { RiskRequest, type RiskResponse } from './risk-schema.ts'
import { scoreUsers, type RiskItem } from './risk-score.ts'

const check = requestChecker<RiskRequest>(RiskRequest, 'the risk request is invalid')
const DEFAULT_FROM = 'now-30d'
const TOP_USERS = 1000
const EVENTS_PER_USER = 10
const EVENT_FIELDS = ['event.id', 'event.action', 'audit.importance.score', 'audit.importance.level', '@timestamp']

type AnySignal = Signal<Record<string, unknown>>
interface UserBucket { key: string, events: { hits: { hits: Array<{ fields?: Record<string, unknown[]> }> } } }

/**
 * Risk per user over the selected events (default: the last 30 days): the four fraud signals with their
 * default parameters, the tenant's open and acknowledged alerts grouped by user, and each user's most
 * important events (high and critical), scored and decayed by risk-score.ts.
 */
export class RiskService {
  constructor (private readonly signals: SignalsService, private readonly events: EventsAggregator, private readonly alerts: Pick<AlertsStore, 'search'>, private readonly clock: { now: () => number } = Date) {}

  async users (body: unknown, scope: ReadScope): Promise<RiskResponse> {
    let halfLifeMs = 0
    const { req, query: selected } = check(body, scope, (r, errors) => {
      halfLifeMs = durationOf(r.halfLife ?? '7d', '/halfLife', 365 * 86_400_000, '365d', errors)
      if (halfLifeMs > 0 && halfLifeMs < 3_600_000) errors.push({ index: 0, path: '/halfLife', message: 'must be at least 1h' })
    })
    const period = req.filters?.period
    const query = period === undefined ? and(selected, { range: { '@timestamp': { gte: DEFAULT_FROM } } }) : selected
    const now = this.clock.now()
    const limit = req.scanLimit ?? DEFAULT_SCAN_LIMIT
    const base = { size: 1000, scanLimit: limit }
    const found = await Promise.all([
      this.signals.findChangeThenWithdraw(query, base, 86_400_000, scope),
      this.signals.findImpossibleTravel(query, { ...base, maxSpeedKmh: 1000, minDistanceKm: 100 }, scope),
      this.signals.findFailedLogins(query, { ...base, by: 'user', threshold: 5 }, 600_000, scope),
      this.signals.findSharedKeys(query, { by: 'device', minUsers: 3, size: 1000 }, scope)
    ]) as unknown as Array<{ signals: AnySignal[], bounds: { truncated: boolean } }>
    const names = ['change-then-withdraw', 'impossible-travel', 'failed-logins', 'shared-device']
    const items: RiskItem[] = found.flatMap((f, i) => f.signals.flatMap(s => signalItems(names[i] as string, s)))
    const { alerts } = await this.alerts.search({
      tenant: scope.tenant, status: ['open', 'acknowledged'], groupField: 'user.id',
      from: period?.from ?? DEFAULT_FROM, ...(period?.to === undefined ? {} : { to: period.to })
    }, 1000)
    for (const a of alerts) {
      if (a.group === null) continue
      items.push({ userId: a.group, kind: 'alert', name: a.rule_name ?? a.system ?? 'alert', level: a.severity, time: Date.parse(a.last_event_at ?? a.created_at), eventIds: a.evidence, alertId: a.id, figure: a.figure })
    }
    items.push(...await this.importantEvents(query, [...new Set(items.map(i => i.userId))]))
    const ranked = scoreUsers(items, now, halfLifeMs)
    return { users: ranked.slice(0, req.size ?? 20), found: ranked.length, halfLifeMs, at: new Date(now).toISOString(), truncated: found.some(f => f.bounds.truncated) }
  }

  /** Each user's most important events: the top users by their highest score, and the users already named. */
  private async importantEvents (query: Query, named: string[]): Promise<RiskItem[]> {
    const important = and(query, { terms: { 'audit.importance.level': ['high', 'critical'] } })
    const perUser: estypes.AggregationsAggregationContainer = {
      top_hits: { size: EVENTS_PER_USER, sort: [{ 'audit.importance.score': { order: 'desc' } }, { '@timestamp': { order: 'desc' } }], _source: false, docvalue_fields: EVENT_FIELDS }
    }
    const r = await this.events.run({
      query: important,
      aggs: {
        top: { terms: { field: 'user.id', size: TOP_USERS, order: [{ best: 'desc' }, { _key: 'asc' }] }, aggs: { best: { max: { field: 'audit.importance.score' } }, events: perUser } },
        ...(named.length === 0 ? {} : { named: { terms: { field: 'user.id', size: named.length, include: named.slice(0, 10_000) }, aggs: { events: perUser } } })
      }
    })
    const buckets = [...((r.aggregations.top as { buckets?: UserBucket[] } | undefined)?.buckets ?? []), ...((r.aggregations.named as { buckets?: UserBucket[] } | undefined)?.buckets ?? [])]
    const seen = new Set<string>()
    const out: RiskItem[] = []
    for (const b of buckets) {
      for (const h of b.events.hits.hits) {
        const f = h.fields ?? {}
        const id = String(f['event.id']?.[0])
        if (seen.has(id)) continue
        seen.add(id)
        out.push({ userId: String(b.key), kind: 'event', name: String(f['event.action']?.[0]), level: String(f['audit.importance.level']?.[0]), score: Number(f['audit.importance.score']?.[0]), time: Date.parse(String(f['@timestamp']?.[0])), eventIds: [id] })
      }
    }
    return out
  }
}

/** A finding counts for each user it names, with that user's own events as evidence where they are told apart. */
function signalItems (name: string, s: AnySignal): RiskItem[] {
  const last = Math.max(...s.evidence.map(e => Date.parse(e['@timestamp'])))
  const to = typeof s.figure.to === 'string' ? Date.parse(s.figure.to) : last
  return s.users.map(userId => {
    const own = s.evidence.filter(e => e.userId === userId).map(e => e.id)
    return { userId, kind: 'signal' as const, name, time: Number.isFinite(to) ? to : last, eventIds: own.length > 0 ? own : s.evidence.map(e => e.id), figure: s.figure }
  })
}
