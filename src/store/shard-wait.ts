import { setTimeout as sleep } from 'node:timers/promises'
import {
  errors, SniffingTransport, type TransportRequestOptions, type TransportRequestOptionsWithMeta, type TransportRequestOptionsWithOutMeta,
  type TransportRequestParams, type TransportResult
} from '@elastic/elasticsearch'

/**
 * A partition the worker has just created (a new month, a late event, another retention class) joins the read
 * aliases before its shard has started; for a few hundred milliseconds every search, count and point in time
 * over the alias fails with 503 "no shard available" / "missing shards". A node that has just gone makes reads
 * fail the same way, with 502 "node not connected", until the cluster has moved its shards to their replicas.
 * Reads wait for either instead of failing: such a request ran nowhere, so asking again is safe. Writes are
 * left to the worker's own retry policy.
 *
 * A read refused with 502 or 503 for shards is the cluster's answer, the same from every node: it is not sent
 * again to another node, and the node that gave it is not marked dead, as the client does with a 502 or 503 by
 * default. Otherwise, while a node is lost, each read refused for its shards would lower the weight of the
 * live node that answered, until the client sent every request to the lost one and failed them all. Other
 * 502s and 503s keep the client's handling.
 */
export const SHARD_WAITS_MS = [100, 200, 400, 800, 1600]

const READ_PATH = /\/(_search|_pit|_count|_msearch|_field_caps|_mget|_doc\/[^/]+)$/

/**
 * True for a refusal because a shard of the target has no started copy yet: a new one starting (503), or one
 * whose node has just gone (502) before the cluster promotes its replica. Nothing was read.
 */
export function isShardStarting (err: unknown): boolean {
  if (!(err instanceof errors.ResponseError)) return false
  if (err.statusCode === 503) return /no_shard_available_action_exception|missing shards/.test(err.message)
  return err.statusCode === 502 && /node_not_connected_exception|node_disconnected_exception/.test(err.message)
}

export const isRead = (params: Pick<TransportRequestParams, 'method' | 'path'>): boolean =>
  (params.method === 'GET' || params.method === 'POST') && READ_PATH.test(params.path.split('?')[0] as string)

/** True for a search answered without some shards, each for want of a started copy (starting, or on a node that is gone). */
export function lacksStartedShards (r: { _shards: { failed: number, failures?: Array<{ reason: { type: string } }> } }): boolean {
  const failures = r._shards.failures ?? []
  return r._shards.failed > 0 && failures.length > 0 && failures.every(f => f.reason.type === 'no_shard_available_action_exception')
}

/**
 * Runs `read` again after each wait of SHARD_WAITS_MS while it is refused for a shard that has not started, or
 * while `incomplete` says its answer lacks such a shard; the last answer is returned once the waits are over.
 */
export async function waitingForShards<T> (read: () => Promise<T>, incomplete: (answer: T) => boolean = () => false): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const wait = SHARD_WAITS_MS[attempt]
    try {
      const answer = await read()
      if (wait === undefined || !incomplete(answer)) return answer
    } catch (err) {
      if (wait === undefined || !isShardStarting(err)) throw err
    }
    await sleep(wait)
  }
}

/** A 502 or 503 for shards without a working copy: the cluster's answer, the same from every node. */
const SHARDS_MISSING = /search_phase_execution_exception|no_shard_available_action_exception/
const SHARD_REFUSALS = [502, 503]

export class ShardWaitTransport extends SniffingTransport {
  override async request<T = unknown> (params: TransportRequestParams, options?: TransportRequestOptionsWithOutMeta): Promise<T>
  override async request<T = unknown, C = unknown> (params: TransportRequestParams, options?: TransportRequestOptionsWithMeta): Promise<TransportResult<T, C>>
  override async request (params: TransportRequestParams, options?: TransportRequestOptions): Promise<unknown> {
    const ignore = options?.ignore ?? []
    // A streamed body is handed over before its status is looked at: its reader checks it.
    if (!isRead(params) || SHARD_REFUSALS.some(s => ignore.includes(s)) || options?.asStream === true) {
      return await super.request(params, options as TransportRequestOptionsWithMeta)
    }
    return await waitingForShards(async () => {
      const result = await super.request(params, { ...options, ignore: [...ignore, ...SHARD_REFUSALS], meta: true })
      if (!SHARD_REFUSALS.includes(result.statusCode ?? 0)) return options?.meta === true ? result : result.body
      const err = new errors.ResponseError(result)
      // Any other 502 or 503 (a node not yet in the cluster, a proxy) is the node's: the client's own handling
      // marks it and sends the read to another node.
      if (!SHARDS_MISSING.test(err.message)) return await super.request(params, options as TransportRequestOptionsWithMeta)
      throw err
    })
  }
}
