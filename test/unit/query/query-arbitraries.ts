import fc from 'fast-check'
import { EVENT_FIELDS } from '../../../src/query/fields.ts'
import { CATEGORIES } from '../../../src/events/taxonomy.ts'
import { ACTOR_TYPES, DEVICE_TYPES, LEVELS, OUTCOMES } from '../../../src/events/schema.ts'
import { dateLike } from './date-like.ts'

// Inputs shaped like what people and fuzzers type: mostly well-formed KQL and filters whose every part may be
// wrong in the ways that matter (types, ranges, zones, dates, escapes), mixed with noise and random text.

const FIELDS = [...EVENT_FIELDS.keys(), 'audit.details.reason', 'audit.details.x_1', 'no.such.field', 'User.Id', 'EVENT.ACTION', 'details']
const word = fc.stringMatching(/^[a-z0-9_.@-]{1,12}$/)
const mapped = fc.ipV4().map(ip => `::ffff:${ip}`)
const cidr = fc.tuple(fc.oneof(fc.ipV4(), fc.ipV6(), mapped), fc.integer({ min: 0, max: 140 })).map(([ip, bits]) => `${ip}/${bits}`)
const numberText = fc.oneof(
  fc.integer().map(String), fc.integer({ min: -40_000, max: 80_000 }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('1e3', '-0', '007', '1.5', '-1.25', '99999999999999999999', '2147483648', '-2147483649', '32768', '-32769', '0.000001', '9007199254740993')
)
export const zone = fc.constantFrom('UTC', 'Z', 'Europe/Paris', 'Asia/Kolkata', 'US/Pacific', '+02:00', '-05:30', '+18:00', '+99:99', 'europe/paris', 'Mars/Base', '')
const text = fc.oneof(
  word, fc.ipV4(), fc.ipV6(), mapped, cidr, numberText, dateLike,
  fc.constantFrom('low', 'medium', 'high', 'critical', '*', 'jo*', '*_failed', 'a*b*c*d*e', '?', 'and', 'OR', 'not', 'now', 'now-1d/d', 'é ü ß', '🙂'),
  fc.string({ maxLength: 8 }), fc.string({ maxLength: 300 }).map(s => s.padEnd(257, 'x'))
)

const quoted = (v: string): string => `"${v.replace(/[\\"]/g, c => `\\${c}`)}"`
const bare = (v: string): string => v.replace(/[\\():<>"{}]/g, c => `\\${c}`).replace(/^(and|or|not)$/i, w => `\\${w}`)
/** A value as KQL: quoted, escaped bare (its `*` stay wildcards), or raw (often invalid). */
const value = fc.tuple(text, fc.constantFrom('quoted', 'bare', 'bare', 'raw')).map(([v, how]) => how === 'quoted' ? quoted(v) : how === 'bare' ? (bare(v) || '""') : v)
const field = fc.constantFrom(...FIELDS)
const op = fc.constantFrom(':', ' : ', ' > ', ' >= ', '<', '<=')
const valueList = fc.tuple(fc.array(value, { minLength: 1, maxLength: 4 }), fc.constantFrom(' or ', ' and ')).map(([vs, joiner]) => `(${vs.join(joiner)})`)
const clause = fc.oneof(
  fc.tuple(field, op, value).map(([f, o, v]) => `${f}${o}${v}`),
  fc.tuple(field, valueList).map(([f, l]) => `${f}:${l}`),
  fc.tuple(field, value).map(([f, v]) => `not ${f}:${v}`),
  value
)
const { expr } = fc.letrec<{ expr: string }>(tie => ({
  expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    clause,
    fc.tuple(tie('expr'), fc.constantFrom(' and ', ' or ', ' AND ', ' Or ', ' '), tie('expr')).map(([a, j, b]) => `${a}${j}${b}`),
    tie('expr').map(e => `(${e})`),
    tie('expr').map(e => `not ${e}`))
}))
/** Well-formed queries with a few characters inserted or dropped. */
const mutated = fc.tuple(expr, fc.array(fc.tuple(fc.nat(), fc.constantFrom('(', ')', '"', '\\', ':', '*', '<', '{', ' ', 'or', '')), { maxLength: 3 }))
  .map(([e, edits]) => edits.reduce((s, [at, c]) => { const i = at % (s.length + 1); return c === '' ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i) + c + s.slice(i) }, e))

export const kqlInput = fc.oneof(expr, expr, mutated, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }))

/** The valid form nine times out of ten, the other otherwise: so that most objects pass the schema with one part wrong. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: other, weight: 1 })
const list = <T>(arb: fc.Arbitrary<T>) => fc.array(arb, { minLength: 1, maxLength: 3 })
const some = <T extends string>(values: readonly T[]) => mostly(fc.constantFrom(...values), fc.string({ maxLength: 6 }))
const id = mostly(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.string({ maxLength: 130 }))
const finite = fc.double({ noNaN: true, noDefaultInfinity: true })

/** Objects shaped like the `filters` of a search, each part optional and possibly wrong. */
export const filtersInput = fc.record({
  tenant: list(mostly(fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,12}$/), fc.string({ maxLength: 42 }))),
  category: list(some(CATEGORIES)),
  action: list(mostly(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,20}$/), fc.string({ maxLength: 66 }))),
  period: fc.record({ from: dateLike, to: dateLike, timeZone: zone }, { requiredKeys: [] }),
  ip: list(fc.oneof(fc.ipV4(), fc.ipV6(), cidr, fc.string({ maxLength: 10 }))),
  sessionId: list(id),
  userId: list(id),
  operatorId: list(id),
  actorType: list(some(ACTOR_TYPES)),
  outcome: list(some(OUTCOMES)),
  importance: fc.record({ levels: list(some(LEVELS)), min: some(LEVELS) }, { requiredKeys: [] }),
  country: list(mostly(fc.constantFrom('FR', 'GB', 'US', 'ZZ'), fc.string({ maxLength: 3 }))),
  deviceType: list(some(DEVICE_TYPES)),
  browser: list(mostly(fc.constantFrom('Chrome', 'Mobile Safari', 'Firefox'), fc.string({ maxLength: 66 }))),
  os: list(mostly(fc.constantFrom('Windows', 'iOS'), fc.string({ maxLength: 66 }))),
  amount: fc.record({ gte: finite, lte: finite }, { requiredKeys: [] }),
  currency: list(mostly(fc.constantFrom('EUR', 'USD', 'BTC'), fc.string({ maxLength: 11 }))),
  text: mostly(word, fc.string({ maxLength: 510 }))
}, { requiredKeys: [] })

/** Every field a compiled query names, and every key of it that is not plain query structure. */
export function fieldsOf (query: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(query)) query.forEach(q => fieldsOf(q, out))
  else if (typeof query === 'object' && query !== null) {
    for (const [k, v] of Object.entries(query)) {
      if (['term', 'terms', 'range', 'wildcard', 'match', 'match_phrase'].includes(k)) Object.keys(v as object).forEach(f => out.add(f))
      if (k === 'exists') out.add((v as { field: string }).field)
      if (k === 'multi_match') (v as { fields: string[] }).fields.forEach(f => out.add(f))
      if (['script', 'regexp', 'query_string', 'simple_query_string', 'script_score'].includes(k)) out.add(`!${k}`)
      fieldsOf(v, out)
    }
  }
  return out
}
