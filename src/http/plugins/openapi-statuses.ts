import { Type } from '@sinclair/typebox'
import { ErrorResponse } from '../schemas.ts'

interface RouteSchema { params?: unknown, querystring?: unknown, body?: unknown, headers?: unknown, response?: Record<string, unknown> }

const error = (description: string): unknown => Type.Ref(ErrorResponse, { description })

/**
 * The statuses the HTTP layer itself answers on a route, whatever its handler does: schema validation (400),
 * path parameters above 100 characters (414), body limit and type (413, 415), budgets of keys and of failed
 * authentications (429), headers above Node's limit (431, without a body), the search engine unable to answer for
 * now (503 with Retry-After: keys are looked up in it). Added to the document where the
 * route does not describe them, so that every status the service sends is in it.
 */
export function withTransportStatuses<T> (schema: T, authenticated: boolean): T {
  const s = schema as RouteSchema
  const response: Record<string, unknown> = { ...(s.response ?? {}) }
  const add = (status: number, value: unknown): void => { if (response[status] === undefined) response[status] = value }
  if (s.params !== undefined || s.querystring !== undefined || s.body !== undefined || s.headers !== undefined) {
    add(400, error('The request does not match its schema (a path or query parameter, a header or the body): each problem with its path'))
  }
  if (s.params !== undefined) add(414, error('A path parameter longer than 100 characters'))
  if (s.body !== undefined) {
    add(413, error('Body larger than the configured limit'))
    add(415, error('Content-Type other than the ones the operation consumes'))
  }
  if (authenticated) add(429, error('More requests than the key may make this minute, or too many failed authentications from this address: Retry-After gives the seconds to wait'))
  if (authenticated) add(503, error('The search engine cannot answer now (overloaded, or a shard not started): Retry-After gives the seconds to wait'))
  add(431, { type: 'null', description: 'Request headers (the URL included) larger than the server accepts: answered by the HTTP server, without a body' })
  return { ...schema, response }
}
