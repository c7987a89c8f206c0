import type { estypes } from '@elastic/elasticsearch'
import { isIP } from 'node:net'
import { LEVELS } from '../../events/schema.ts'
import { anchored, isDateMath, isTimeZone } from '../date-math.ts'
import { EVENT_FIELDS, FREE_TEXT_FIELDS, lookupField, type FieldInfo } from '../fields.ts'
import { isIpOrCidr } from '../ip-match.ts'
import { hasWildcard, type Clause, type Expr, type KqlNode, type Literal, type RangeOp } from './ast.ts'
import { KqlError, quote } from './kql-error.ts'

type Query = estypes.QueryDslQueryContainer

export interface CompileOptions {
  /** Zone for dates and date math (`Europe/Paris`, `+02:00`); Elasticsearch uses UTC without it. */
  timeZone?: string
  /** The instant `now` stands for in date math (see `anchored`); the clock's when absent. */
  now?: number
}

/** A compiled clause; `scoring` when it ranks hits (full-text), `term` when it is a plain term query. */
interface Compiled { query: Query, scoring: boolean, term?: string | number }

export const MAX_VALUE_LENGTH = 256
export const MAX_WILDCARDS = 3
export const LEVEL_FIELD = 'audit.importance.level'

/** Compiles a KQL tree to a bool query. Nothing typed reaches a script, a regexp or a query_string. */
export function compileKql (node: KqlNode, options: CompileOptions): Query {
  if (options.timeZone !== undefined && !isTimeZone(options.timeZone)) throw new KqlError(`unknown time zone ${quote(options.timeZone)}`, 0)
  if (node.kind === 'match_all') return { match_all: {} }
  return expr(node, clause => compileClause(clause, options)).query
}

/** And, or, not over any leaves; in a value list `terms` names the field, so that plain terms can merge. */
function expr<L extends { kind: string }> (node: Expr<L>, leaf: (leaf: L) => Compiled, terms?: string): Compiled {
  if (node.kind === 'not') {
    const child = expr((node as { child: Expr<L> }).child, leaf, terms)
    return { query: { bool: { must_not: [child.query] } }, scoring: false }
  }
  if (node.kind !== 'and' && node.kind !== 'or') return leaf(node as L)
  const parts = (node as { children: Expr<L>[] }).children.map(child => expr(child, leaf, terms))
  if (node.kind === 'or') {
    // A value list of plain terms on one field is one `terms` query.
    const values = parts.map(p => p.term)
    if (terms !== undefined && values.every((v): v is string | number => v !== undefined)) return { query: { terms: { [terms]: values } }, scoring: false }
    return { query: { bool: { should: parts.map(p => p.query), minimum_should_match: 1 } }, scoring: parts.some(p => p.scoring) }
  }
  // Full-text clauses go in `must` so they score and rank hits; everything else is a cacheable `filter`.
  const must = parts.filter(p => p.scoring).map(p => p.query)
  const filter = parts.filter(p => !p.scoring).map(p => p.query)
  return { query: { bool: { ...(must.length > 0 ? { must } : {}), ...(filter.length > 0 ? { filter } : {}) } }, scoring: must.length > 0 }
}

function compileClause (clause: Clause, options: CompileOptions): Compiled {
  if (clause.kind === 'free_text') return freeText(clause.value)
  const field = resolve(clause.field, clause.fieldPosition)
  if (clause.kind === 'range') return range(field, clause.fieldPosition, clause.op, clause.value, options)
  return expr<Literal>(clause.value, literal => value(field, clause.fieldPosition, literal, options), field.name)
}

function resolve (name: string, position: number): FieldInfo {
  const field = lookupField(name)
  if (field !== undefined) return field
  const lower = name.toLowerCase()
  const near = [...EVENT_FIELDS.keys()].filter(k => k.toLowerCase() === lower || k.toLowerCase().endsWith(`.${lower}`))
  const names = near.slice(0, 5).map(quote)
  const hint = names.length === 0 ? '' : `; did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`
  throw new KqlError(`unknown field ${quote(name)}${hint}`, position)
}

function freeText (literal: Literal): Compiled {
  if (isExists(literal)) return { query: { match_all: {} }, scoring: false }
  if (hasWildcard(literal)) throw new KqlError('wildcards need a field, such as user.name:jo*', literal.position)
  const query = checkLength(literal)
  const fields = [...FREE_TEXT_FIELDS]
  return {
    query: { multi_match: literal.quoted ? { query, fields, type: 'phrase' } : { query, fields, type: 'cross_fields', operator: 'and' } },
    scoring: true
  }
}

function value (field: FieldInfo, fieldPosition: number, literal: Literal, options: CompileOptions): Compiled {
  const f = field.name
  if (isExists(literal)) return { query: { exists: { field: f } }, scoring: false }
  if (field.type === 'geo_point' || field.type === 'flattened') throw unsearchable(field, fieldPosition)
  if (field.type === 'keyword' && hasWildcard(literal)) return wildcard(field, literal)
  if (hasWildcard(literal)) throw new KqlError(noWildcards(field), literal.position)
  const text = checkLength(literal)
  switch (field.type) {
    case 'text':
      return { query: literal.quoted ? { match_phrase: { [f]: text } } : { match: { [f]: { query: text, operator: 'and' } } }, scoring: true }
    case 'keyword':
      if (f === LEVEL_FIELD) level(text, literal)
      return term(f, text)
    case 'ip':
      if (!isIpOrCidr(text)) throw expected('an IP address or a CIDR block such as 10.0.0.0/8', field, literal, text)
      return term(f, text)
    case 'number':
      return term(f, number(field, literal, text))
    case 'date':
      date(field, literal, text)
      return { query: { range: { [f]: { gte: anchored(text, options.now ?? Date.now()), lte: anchored(text, options.now ?? Date.now()), ...zone(options) } } }, scoring: false }
  }
}

function range (field: FieldInfo, fieldPosition: number, op: RangeOp, literal: Literal, options: CompileOptions): Compiled {
  const f = field.name
  if (field.type === 'geo_point' || field.type === 'flattened') throw unsearchable(field, fieldPosition)
  if (field.type === 'text') throw new KqlError(`ranges work on keyword, number, date and IP fields; ${f} is a text field`, fieldPosition)
  if (hasWildcard(literal)) throw new KqlError('a range bound cannot contain wildcards', literal.position)
  const text = checkLength(literal)
  if (f === LEVEL_FIELD) {
    return { query: { terms: { [f]: levelsInRange(op, level(text, literal)) } }, scoring: false }
  }
  if (field.type === 'number') return { query: { range: { [f]: bound(op, number(field, literal, text)) } }, scoring: false }
  if (field.type === 'ip' && (isIP(text) === 0 || text.includes('%'))) throw expected('an IP address', field, literal, text)
  if (field.type === 'date') {
    date(field, literal, text)
    return { query: { range: { [f]: { ...bound(op, anchored(text, options.now ?? Date.now())), ...zone(options) } } }, scoring: false }
  }
  return { query: { range: { [f]: bound(op, text) } }, scoring: false }
}

function wildcard (field: FieldInfo, literal: Literal): Compiled {
  const stars = literal.chunks.length - 1
  if (field.flattenedKey === true) {
    // Keys of a flattened object take prefix queries only.
    if (stars > 1 || literal.chunks[1] !== '' || literal.chunks[0] === '') throw new KqlError(`on ${field.name}, a wildcard works only at the end of the value (a prefix, such as ${field.name}:ab*)`, literal.position)
    return { query: { prefix: { [field.name]: { value: checkLength(literal).slice(0, -1) } } }, scoring: false }
  }
  if (stars > MAX_WILDCARDS) throw new KqlError(`too many wildcards (${stars}; at most ${MAX_WILDCARDS} per value)`, literal.position)
  if (literal.chunks[0] === '' && !field.leadingWildcard) throw new KqlError(`leading wildcards are not allowed on ${field.name}`, literal.position)
  checkLength(literal)
  // In the wildcard syntax `?` and `\` are special too: escape them (and literal stars) so only our `*` match anything.
  const pattern = literal.chunks.map(chunk => chunk.replace(/[\\?*]/g, c => `\\${c}`)).join('*')
  return { query: { wildcard: { [field.name]: { value: pattern, case_insensitive: false } } }, scoring: false }
}

const term = (field: string, v: string | number): Compiled => ({ query: { term: { [field]: v } }, scoring: false, term: v })
const zone = (options: CompileOptions): { time_zone?: string } => options.timeZone === undefined ? {} : { time_zone: options.timeZone }
const isExists = (literal: Literal): boolean => !literal.quoted && literal.chunks.every(chunk => chunk === '')

function bound<V> (op: RangeOp, v: V): Partial<Record<RangeOp, V>> {
  const out: Partial<Record<RangeOp, V>> = {}
  out[op] = v
  return out
}

/** The importance levels a range keeps: levels compare in their order (low < medium < high < critical), not as text. */
export const levelsInRange = (op: RangeOp, at: number): Array<typeof LEVELS[number]> =>
  LEVELS.filter((_, i) => op === 'gt' ? i > at : op === 'gte' ? i >= at : op === 'lt' ? i < at : i <= at)

function checkLength (literal: Literal): string {
  const text = literal.chunks.join('*')
  if (text.length > MAX_VALUE_LENGTH) throw new KqlError(`the value is too long (${text.length} characters; at most ${MAX_VALUE_LENGTH})`, literal.position)
  return text
}

function level (text: string, literal: Literal): number {
  const at = LEVELS.findIndex(l => l === text)
  if (at === -1) throw new KqlError(`unknown importance level ${quote(text)}; expected ${LEVELS.join(', ')}`, literal.position)
  return at
}

function number (field: FieldInfo, literal: Literal, text: string): number {
  const n = Number(text)
  if (!/^-?\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw expected('a number', field, literal, text)
  const [min, max] = field.bounds ?? [-Infinity, Infinity]
  if (n < min || n > max) throw expected(`a number from ${min} to ${max}`, field, literal, text)
  return n
}

function date (field: FieldInfo, literal: Literal, text: string): void {
  if (!isDateMath(text)) throw expected('a date such as 2026-11-01, 2026-11-01T08:30:00Z or now-1d', field, literal, text)
}

function expected (what: string, field: FieldInfo, literal: Literal, text: string): KqlError {
  return new KqlError(`expected ${what} for ${field.name}, found ${quote(text)}`, literal.position)
}

function noWildcards (field: FieldInfo): string {
  if (field.type === 'ip') return 'wildcards do not work on IP fields; use a CIDR block such as 10.0.0.0/8'
  if (field.type !== 'text') return `wildcards work on keyword fields; ${field.name} is a ${field.type} field`
  const twin = [`${field.name}.keyword`, field.name.replace(/\.text$/, '')].find(n => n !== field.name && lookupField(n)?.type === 'keyword')
  return twin === undefined ? `wildcards work on keyword fields; ${field.name} is a text field` : `wildcards work on keyword fields; use ${twin}`
}

function unsearchable (field: FieldInfo, position: number): KqlError {
  if (field.type === 'flattened') return new KqlError(`${field.name} cannot be searched as a whole; name one key, such as ${field.name}.reason:x`, position)
  return new KqlError(`${field.name} is a ${field.type} field: only ${field.name}:* (exists) can be searched`, position)
}
