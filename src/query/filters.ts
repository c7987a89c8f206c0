import { type Static, Type } from '@sinclair/typebox'
import { FILTER_FIELDS, fieldOf, listOf } from './filter-fields.ts'
import type { estypes } from '@elastic/elasticsearch'
import { CATEGORIES } from '../events/taxonomy.ts'
import { ACTOR_TYPES, DEVICE_TYPES, LEVELS, OUTCOMES, type Level } from '../events/schema.ts'
import type { FieldError } from '../errors.ts'
import { anchored, dateMathProblem, timeZoneProblem } from './date-math.ts'
import { isIpOrCidr } from './ip-match.ts'
import { FREE_TEXT_FIELDS } from './fields.ts'

type Query = estypes.QueryDslQueryContainer

const list = <T extends Parameters<typeof Type.Array>[0]>(item: T, maxItems = 100) => Type.Optional(Type.Array(item, { minItems: 1, maxItems }))
const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map(v => Type.Literal(v)))
const Id = Type.String({ minLength: 1, maxLength: 128 })

/** Structured filters: every one optional, all combined with AND; values inside one filter combine with OR. */
export const Filters = Type.Object({
  tenant: list(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' })),
  category: list(literals(CATEGORIES)),
  action: list(Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' })),
  period: Type.Optional(Type.Object({
    from: Type.Optional(Type.String({ maxLength: 64, description: 'ISO time or Kibana date math (now-7d/d); inclusive' })),
    to: Type.Optional(Type.String({ maxLength: 64, description: 'ISO time or date math (now); inclusive' })),
    timeZone: Type.Optional(Type.String({ maxLength: 64, description: 'Zone for date math rounding and dates without offset, such as Europe/Paris' }))
  }, { additionalProperties: false })),
  ip: list(Type.String({ maxLength: 64, description: 'Address or CIDR block, IPv4 or IPv6' }), 50),
  sessionId: list(Id),
  userId: list(Id),
  operatorId: list(Id),
  actorType: list(literals(ACTOR_TYPES)),
  outcome: list(literals(OUTCOMES)),
  importance: Type.Optional(Type.Object({
    levels: list(literals(LEVELS)),
    min: Type.Optional(literals(LEVELS))
  }, { additionalProperties: false })),
  country: list(Type.String({ pattern: '^[A-Z]{2}$' })),
  deviceType: list(literals(DEVICE_TYPES)),
  browser: list(Type.String({ minLength: 1, maxLength: 64 })),
  os: list(Type.String({ minLength: 1, maxLength: 64 })),
  amount: Type.Optional(Type.Object({ gte: Type.Optional(Type.Number()), lte: Type.Optional(Type.Number()) }, { additionalProperties: false })),
  currency: list(Type.String({ pattern: '^[A-Z0-9]{2,10}$' })),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'Free text over the message and reason, and exact values of details' }))
}, { additionalProperties: false, $id: 'Filters' })
export type Filters = Static<typeof Filters>

export function levelsFrom (min: Level): Level[] {
  return LEVELS.slice(LEVELS.indexOf(min))
}

const terms = (field: string, values: readonly (string | number)[] | undefined): Query[] =>
  values === undefined ? [] : [values.length === 1 ? { term: { [field]: values[0] as string } } : { terms: { [field]: [...values] } }]

/** The checks a schema cannot make: date math (resolved at `now`), zones, addresses, ordered bounds. */
export function checkFilters (f: Filters, path = '/filters', now = Date.now()): FieldError[] {
  const errors: FieldError[] = []
  const fail = (p: string, message: string): void => { errors.push({ index: 0, path: `${path}${p}`, message }) }
  for (const key of ['from', 'to'] as const) {
    const v = f.period?.[key]
    const problem = v === undefined ? undefined : dateMathProblem(v, now)
    if (problem !== undefined) fail(`/period/${key}`, problem)
  }
  const zone = f.period?.timeZone === undefined ? undefined : timeZoneProblem(f.period.timeZone)
  if (zone !== undefined) fail('/period/timeZone', zone)
  f.ip?.forEach((ip, i) => { if (!isIpOrCidr(ip)) fail(`/ip/${i}`, 'must be an IPv4 or IPv6 address or CIDR block') })
  if (f.amount?.gte !== undefined && f.amount.lte !== undefined && f.amount.gte > f.amount.lte) fail('/amount', 'gte is above lte')
  return errors
}

/**
 * Compiles checked filters into bool clauses: exact filters (cached, unscored) and free text (scored, highlighted).
 * `now` is the instant the period's date math is resolved at (see `anchored`).
 */
export function compileFilters (f: Filters, now = Date.now()): { filter: Query[], must: Query[] } {
  const filter: Query[] = FILTER_FIELDS.filter(e => e.kind === 'terms').flatMap(e => terms(e.field, listOf(f, e.key)))
  if (f.operatorId !== undefined) filter.push({ term: { 'audit.actor.type': 'operator' } }, ...terms(fieldOf('operator'), f.operatorId))
  if (f.ip !== undefined) {
    const ip = fieldOf('ip')
    filter.push(f.ip.length === 1 ? { term: { [ip]: f.ip[0] as string } } : { bool: { should: f.ip.map(v => ({ term: { [ip]: v } })), minimum_should_match: 1 } })
  }
  if (f.period?.from !== undefined || f.period?.to !== undefined) {
    filter.push({ range: { '@timestamp': {
      ...(f.period.from === undefined ? {} : { gte: anchored(f.period.from, now) }),
      ...(f.period.to === undefined ? {} : { lte: anchored(f.period.to, now) }),
      ...(f.period.timeZone === undefined ? {} : { time_zone: f.period.timeZone })
    } } })
  }
  // Both importance filters may be given: they combine with AND like every other filter.
  filter.push(...terms(fieldOf('importance'), f.importance?.levels))
  if (f.importance?.min !== undefined) filter.push(...terms(fieldOf('importance'), levelsFrom(f.importance.min)))
  if (f.amount !== undefined) filter.push({ range: { [fieldOf('amount')]: { ...(f.amount.gte === undefined ? {} : { gte: f.amount.gte }), ...(f.amount.lte === undefined ? {} : { lte: f.amount.lte }) } } })
  const must: Query[] = f.text === undefined
    ? []
    : [{ bool: { should: [
        { multi_match: { query: f.text, fields: [...FREE_TEXT_FIELDS], type: 'cross_fields', operator: 'and' } },
        { term: { 'audit.details': f.text } }
      ], minimum_should_match: 1 } }]
  return { filter, must }
}
