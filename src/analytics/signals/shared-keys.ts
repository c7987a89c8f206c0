import { type Static, Type } from '@sinclair/typebox'
import type { estypes } from '@elastic/elasticsearch'
import { selection } from '../behaviour/request.ts'
import { SourceParam } from '../entities/source.ts'
import type { Bounds } from '../../store/events/events-scan.ts'
import { signalSchema, signalsResponse, type Signal } from './common.ts'

/** Beyond this many users on one key, the list stops and the figure says "at least". */
export const MAX_LISTED_USERS = 1000

export const SHARED_FIELDS = { device: 'audit.device.id', ip: 'source.ip' } as const

export const SharedKeysRequest = Type.Object({
  ...selection,
  by: Type.Optional(Type.Union([Type.Literal('device'), Type.Literal('ip')], { default: 'device', description: 'device: the client device id (audit.device.id); ip: the source address' })),
  minUsers: Type.Optional(Type.Integer({ minimum: 2, maximum: MAX_LISTED_USERS, default: 3, description: 'Distinct users on one key that make a signal' })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Keys examined, most users first; the signals are those of them with at least minUsers users' })),
  source: SourceParam
}, { additionalProperties: false, $id: 'SharedKeysRequest' })
export type SharedKeysRequest = Static<typeof SharedKeysRequest>

export const SharedFigure = Type.Object({
  users: Type.Integer({ description: 'Distinct users on the key, counted exactly when complete' }),
  complete: Type.Boolean({ description: `False when the key has more than ${MAX_LISTED_USERS} users: users is then Elasticsearch's estimate (cardinality), and the list holds ${MAX_LISTED_USERS}` }),
  minUsers: Type.Integer(),
  events: Type.Integer({ description: 'Events on the key' })
})
export type SharedFigure = Static<typeof SharedFigure>

export const SharedKeysResponse = signalsResponse(signalSchema(SharedFigure, 'The device id or the source address'), 'SharedKeysResponse')

/**
 * Candidates come from a terms aggregation ordered by the approximate distinct count of users; each is then
 * checked with the exact list of its users (userListAggs), so no signal rests on an estimate.
 */
export function sharedKeysAggs (field: string, minUsers: number, size: number): Record<string, estypes.AggregationsAggregationContainer> {
  return {
    keys: {
      terms: { field, size, shard_size: Math.min(10_000, size * 5 + 50), min_doc_count: minUsers, order: [{ users: 'desc' }, { _key: 'asc' }] },
      aggs: { users: { cardinality: { field: 'user.id', precision_threshold: 40_000 } } }
    }
  }
}

/**
 * Keys whose users one search lists: up to 50,000 user buckets, under Elasticsearch's default limit of 65,536
 * per search (search.max_buckets), which 1,000 candidates of 1,000 users each would pass 15 times over.
 */
export const KEYS_PER_LIST = Math.floor(50_000 / MAX_LISTED_USERS)

/** The users of a few keys (at most KEYS_PER_LIST), for a query narrowed to those keys. */
export function userListAggs (field: string, keys: number): Record<string, estypes.AggregationsAggregationContainer> {
  return { keys: { terms: { field, size: keys }, aggs: { list: { terms: { field: 'user.id', size: MAX_LISTED_USERS, shard_size: MAX_LISTED_USERS } } } } }
}

interface UserList { buckets: Array<{ key: string | number }>, sum_other_doc_count?: number }
interface KeyBucket { key: string | number, key_as_string?: string, doc_count: number, users?: { value?: number }, list?: UserList }

const keyOf = (b: KeyBucket): string => b.key_as_string ?? String(b.key)
const bucketsOf = (aggs: Record<string, estypes.AggregationsAggregate>): KeyBucket[] => (aggs.keys as { buckets?: KeyBucket[] } | undefined)?.buckets ?? []

/** The candidate keys of the first search, to list the users of. */
export function candidateKeys (aggs: Record<string, estypes.AggregationsAggregate>): string[] {
  return bucketsOf(aggs).map(keyOf)
}

/** Each key's users, from the answers of userListAggs. */
export function userLists (answers: ReadonlyArray<Record<string, estypes.AggregationsAggregate>>): Map<string, UserList> {
  const lists = new Map<string, UserList>()
  for (const aggs of answers) for (const b of bucketsOf(aggs)) if (b.list !== undefined) lists.set(keyOf(b), b.list)
  return lists
}

/** Verified signals (evidence to be added) and the bounds of the candidate list. */
export function sharedSignals (aggs: Record<string, estypes.AggregationsAggregate>, lists: ReadonlyMap<string, UserList>, minUsers: number, size: number): { signals: Array<Signal<SharedFigure>>, bounds: Bounds } {
  const keys = aggs.keys as { buckets?: KeyBucket[], sum_other_doc_count?: number } | undefined
  const buckets = keys?.buckets ?? []
  const signals: Array<Signal<SharedFigure>> = []
  let lastQualified = false
  for (const b of buckets) {
    const list = lists.get(keyOf(b))
    const users = (list?.buckets ?? []).map(u => String(u.key))
    const complete = (list?.sum_other_doc_count ?? 0) === 0
    lastQualified = users.length >= minUsers
    if (!lastQualified) continue
    signals.push({
      key: keyOf(b),
      users,
      figure: { users: complete ? users.length : Math.max(users.length, Math.round(b.users?.value ?? 0)), complete, minUsers, events: b.doc_count },
      evidence: []
    })
  }
  // More keys exist and the last one examined still qualified: there may be signals beyond the list.
  const truncated = buckets.length === size && (keys?.sum_other_doc_count ?? 0) > 0 && lastQualified
  return { signals, bounds: { scanned: buckets.length, limit: size, truncated } }
}
