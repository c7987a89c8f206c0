import type { estypes } from '@elastic/elasticsearch'
import type { EventsAggregator } from '../../store/events/events-aggregate.ts'
import { and, type Query } from '../behaviour/request.ts'
import type { RiskItem } from './risk-score.ts'
import { usersOnKeys, type UsersOnKey } from './risk-subjects.ts'

const TOP_KEYS = 1000
const EVENTS_PER_KEY = 10
const EVENT_FIELDS = ['event.id', 'event.action', 'audit.importance.score', 'audit.importance.level', '@timestamp']
const LOOKUP_BATCH = 5000
const LISTED_USERS = 20

interface KeyBucket { key: string | number, key_as_string?: string, events: { hits: { hits: Array<{ fields?: Record<string, unknown[]> }> } } }

const bucketsOf = <B>(aggs: Record<string, unknown>, name: string): B[] => (aggs[name] as { buckets?: B[] } | undefined)?.buckets ?? []
const keyOf = (b: { key: string | number, key_as_string?: string }): string => b.key_as_string ?? String(b.key)
// Keys named by findings are matched by a filter, not by `include`: the same clause serves keywords and addresses.
const named = (field: string, keys: string[], aggs: Record<string, estypes.AggregationsAggregationContainer>): estypes.AggregationsAggregationContainer =>
  ({ filter: { terms: { [field]: keys } }, aggs: { keys: { terms: { field, size: keys.length }, aggs } } })

/** The Elasticsearch reads of the risk ranking, each over a query already confined to the caller's tenant. */
export class RiskReads {
  constructor (private readonly events: EventsAggregator) {}

  /** Each key's most important events (high and critical): the top keys by their highest score, and the keys already named. */
  async importantEvents (query: Query, field: string, keys: string[]): Promise<RiskItem[]> {
    const important = and(query, { terms: { 'audit.importance.level': ['high', 'critical'] } })
    const perKey: Record<string, estypes.AggregationsAggregationContainer> = {
      events: { top_hits: { size: EVENTS_PER_KEY, sort: [{ 'audit.importance.score': { order: 'desc' } }, { '@timestamp': { order: 'desc' } }], _source: false, docvalue_fields: EVENT_FIELDS } }
    }
    const r = await this.events.run({
      query: important,
      aggs: {
        top: { terms: { field, size: TOP_KEYS, order: [{ best: 'desc' }, { _key: 'asc' }] }, aggs: { best: { max: { field: 'audit.importance.score' } }, ...perKey } },
        ...(keys.length === 0 ? {} : { named: named(field, keys.slice(0, 10_000), perKey) })
      }
    })
    const namedBuckets = ((r.aggregations.named as { keys?: { buckets?: KeyBucket[] } } | undefined)?.keys?.buckets) ?? []
    const seen = new Set<string>()
    const out: RiskItem[] = []
    for (const b of [...bucketsOf<KeyBucket>(r.aggregations, 'top'), ...namedBuckets]) {
      for (const h of b.events.hits.hits) {
        const f = h.fields ?? {}
        const id = String(f['event.id']?.[0])
        if (seen.has(id)) continue
        seen.add(id)
        out.push({ key: keyOf(b), kind: 'event', name: String(f['event.action']?.[0]), level: String(f['audit.importance.level']?.[0]), score: Number(f['audit.importance.score']?.[0]), time: Date.parse(String(f['@timestamp']?.[0])), eventIds: [id] })
      }
    }
    return out
  }

  /** The value of `field` (a device id, an address) of each event, for the events that have one. */
  async keysOfEvents (query: Query, field: string, ids: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>()
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
      const batch = ids.slice(i, i + LOOKUP_BATCH)
      const r = await this.events.run({
        query: and(query, { terms: { 'event.id': batch } }, { exists: { field } }),
        aggs: { ids: { terms: { field: 'event.id', size: batch.length }, aggs: { on: { terms: { field, size: 1 } } } } }
      })
      for (const b of bucketsOf<{ key: string, on: { buckets: Array<{ key: string | number, key_as_string?: string }> } }>(r.aggregations, 'ids')) {
        const k = b.on.buckets[0]
        if (k !== undefined) out.set(String(b.key), keyOf(k))
      }
    }
    return out
  }

  /** The users seen on each key (device or address), most active first. */
  async usersOn (query: Query, field: string, keys: string[]): Promise<Map<string, UsersOnKey>> {
    if (keys.length === 0) return new Map()
    const r = await this.events.run({
      query,
      aggs: {
        named: named(field, keys, {
          count: { cardinality: { field: 'user.id', precision_threshold: 40_000 } },
          ids: { terms: { field: 'user.id', size: LISTED_USERS, order: [{ _count: 'desc' }, { _key: 'asc' }] } }
        })
      }
    })
    return usersOnKeys(((r.aggregations.named as { keys?: { buckets?: Parameters<typeof usersOnKeys>[0] } } | undefined)?.keys?.buckets) ?? [])
  }
}
