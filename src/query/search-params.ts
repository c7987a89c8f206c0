import { type Static, Type } from '@sinclair/typebox'
import type { Filters } from './filters.ts'
import { ValidationError } from '../errors.ts'
import { MAX_CURSOR_CHARS, type SearchRequest } from './search-request.ts'

const s = (description: string) => Type.Optional(Type.String({ maxLength: 2000, description }))

/** `GET /v1/events` query parameters: the simple form of a search. Lists are comma-separated. */
export const SearchParams = Type.Object({
  q: s('KQL query'),
  text: s('Free text over message and reason'),
  from: s('Start, ISO or date math (now-7d/d), inclusive'),
  to: s('End, ISO or date math (now), inclusive'),
  tz: s('Time zone for date math and dates, such as Europe/Paris'),
  category: s('Categories'),
  action: s('Actions'),
  ip: s('Addresses or CIDR blocks'),
  session: s('Session ids'),
  user: s('User ids'),
  operator: s('Operator ids (operator actions only)'),
  actor: s('Actor types: user, operator, system, api'),
  outcome: s('success, failure, unknown'),
  level: s('Importance levels'),
  minLevel: s('Lowest importance level'),
  country: s('ISO country codes'),
  device: s('Device types'),
  browser: s('Browser names'),
  os: s('Operating system names'),
  currency: s('Currencies'),
  minAmount: Type.Optional(Type.Number()),
  maxAmount: Type.Optional(Type.Number()),
  tenant: s('Tenants'),
  sort: s('Fields, "-" prefix for descending: -time,importance'),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  fields: s('Projection'),
  highlight: Type.Optional(Type.Boolean()),
  cursor: Type.Optional(Type.String({ maxLength: MAX_CURSOR_CHARS, description: 'From the previous page, sent alone' }))
}, { additionalProperties: false })
export type SearchParams = Static<typeof SearchParams>

const csv = (v: string | undefined): string[] | undefined => {
  if (v === undefined) return undefined
  const items = v.split(',').map(x => x.trim()).filter(Boolean)
  return items.length === 0 ? undefined : items
}

/** Translates query parameters into the search request the POST form takes; the same checks then apply. */
export function paramsToRequest (p: SearchParams, fixed: Partial<Filters> = {}): SearchRequest {
  if (p.cursor !== undefined) {
    // As the POST form: a parameter beside a cursor would be silently ignored, the search being inside the cursor.
    const others = Object.entries(p).flatMap(([k, v]) => k === 'cursor' || v === undefined ? [] : [k])
    if (others.length > 0) throw new ValidationError(others.map(k => ({ index: 0, path: `/querystring/${k}`, message: 'must not be sent with a cursor: the search it continues is inside the cursor' })), 'the search is invalid')
    return { cursor: p.cursor }
  }
  const filters: Record<string, unknown> = {
    tenant: csv(p.tenant),
    category: csv(p.category),
    action: csv(p.action),
    ip: csv(p.ip),
    sessionId: csv(p.session),
    userId: csv(p.user),
    operatorId: csv(p.operator),
    actorType: csv(p.actor),
    outcome: csv(p.outcome),
    country: csv(p.country),
    deviceType: csv(p.device),
    browser: csv(p.browser),
    os: csv(p.os),
    currency: csv(p.currency),
    text: p.text
  }
  if (p.from !== undefined || p.to !== undefined || p.tz !== undefined) filters.period = { from: p.from, to: p.to, timeZone: p.tz }
  if (p.level !== undefined || p.minLevel !== undefined) filters.importance = { levels: csv(p.level), min: p.minLevel }
  if (p.minAmount !== undefined || p.maxAmount !== undefined) filters.amount = { gte: p.minAmount, lte: p.maxAmount }
  Object.assign(filters, fixed)
  const req: SearchRequest = { filters: dropUndefined(filters) as Filters }
  if (p.q !== undefined) req.query = p.q
  if (p.tz !== undefined) req.timeZone = p.tz
  const sort = csv(p.sort)
  if (sort !== undefined) req.sort = sort.map(f => f.startsWith('-') ? { field: f.slice(1), order: 'desc' as const } : { field: f, order: 'asc' as const })
  if (p.size !== undefined) req.size = p.size
  const fields = csv(p.fields)
  if (fields !== undefined) req.fields = fields
  if (p.highlight !== undefined) req.highlight = p.highlight
  return req
}

function dropUndefined (value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    const cleaned = dropUndefined(v)
    if (cleaned !== undefined && !(typeof cleaned === 'object' && !Array.isArray(cleaned) && cleaned !== null && Object.keys(cleaned).length === 0)) out[k] = cleaned
  }
  return out
}
