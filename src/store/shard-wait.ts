import { setTimeout as sleep } from 'node:timers/promises'
import {
  errors, SniffingTransport, type TransportRequestOptions, type TransportRequestOptionsWithMeta, type TransportRequestOptionsWithOutMeta,
  type TransportRequestParams, type TransportResult
} from '@elastic/elasticsearch'

/**
 * A partition the worker has just created (a new month, a late event, another retention class) joins the read
 * aliases before its shard has started; for a few hundred milliseconds every search, count and point in time
 * over the alias fails with 503 "no shard available" / "missing shards". Reads wait for it instead of failing:
 * such a request ran nowhere, so asking again is safe. Writes are left to the worker's own retry policy.
 *
 * A read refused with 503 for missing shards is the cluster's answer, the same from every node: it is not sent
 * again to another node, and the node that gave it is not marked dead, as the client does with a 503 by
 * default. Otherwise, while a node is lost, each read refused for its missing shards would lower the weight of
 * the live node that answered, until the client sent reads to the lost one. Other 503s keep the client's handling.
 */
export const SHARD_WAITS_MS = [100, 200, 400, 800, 1600]

const READ_PATH = /\/(_search|_pit|_count|_msearch|_field_caps|_mget|_doc\/[^/]+)$/

/** True for a refusal because a shard of the target has not started (yet): nothing was read. */
export function isShardStarting (err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 503 &&
    /no_shard_available_action_exception|missing shards/.test(err.message)
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

/** A 503 for shards with no started copy: the cluster's answer, the same from every node. */
const SHARDS_MISSING = /search_phase_execution_exception|no_shard_available_action_exception/

export class ShardWaitTransport extends SniffingTransport {
  override async request<T = unknown> (params: TransportRequestParams, options?: TransportRequestOptionsWithOutMeta): Promise<T>
  override async request<T = unknown, C = unknown> (params: TransportRequestParams, options?: TransportRequestOptionsWithMeta): Promise<TransportResult<T, C>>
  override async request (params: TransportRequestParams, options?: TransportRequestOptions): Promise<unknown> {
    const ignore = options?.ignore ?? []
    // A streamed body is handed over before its status is looked at: its reader checks it.
    if (!isRead(params) || ignore.includes(503) || options?.asStream === true) return await super.request(params, options as TransportRequestOptionsWithMeta)
    return await waitingForShards(async () => {
      const result = await super.request(params, { ...options, ignore: [...ignore, 503], meta: true })
      if (result.statusCode !== 503) return options?.meta === true ? result : result.body
      const err = new errors.ResponseError(result)
      // Any other 503 (a node not yet in the cluster, a proxy) is the node's: the client's own handling marks it
      // and sends the read to another node.
      if (!SHARDS_MISSING.test(err.message)) return await super.request(params, options as TransportRequestOptionsWithMeta)
      throw err
    })
  }
}
