import type { estypes } from '@elastic/elasticsearch'
import type { FieldError } from '../errors.ts'
import { lookupField } from './fields.ts'
import { maskedFieldProblem } from './masked-access.ts'
import type { SearchRequest } from './search-request.ts'

const SHORT_NAMES: Record<string, string> = { time: '@timestamp', importance: 'audit.importance.score', amount: 'audit.money.amount' }
const SORTABLE = new Set(['keyword', 'date', 'number', 'ip'])

/**
 * The sort of a search: allowlisted fields only, and for masked readers no masked field (the order would tell
 * the clear values apart); a point in time adds `_shard_doc` as the stable tie-breaker.
 */
export function compileSort (sort: SearchRequest['sort'], errors: FieldError[], masked: boolean): estypes.SortCombinations[] {
  if (sort === undefined || sort.length === 0) return [{ '@timestamp': { order: 'desc' } }]
  return sort.map((s, i) => {
    const name = SHORT_NAMES[s.field] ?? s.field
    const info = lookupField(name)
    if (info === undefined || !SORTABLE.has(info.type)) {
      errors.push({ index: 0, path: `/sort/${i}/field`, message: `cannot sort on "${s.field}": use time, importance, amount or a keyword, date, number or ip field` })
    } else if (masked) {
      const problem = maskedFieldProblem(name)
      if (problem !== undefined) errors.push({ index: 0, path: `/sort/${i}/field`, message: problem })
    }
    return { [name]: { order: s.order ?? 'desc' } }
  })
}

/** Projection paths: fields, or object prefixes of fields (`source.geo`). */
export function checkProjection (fields: string[] | undefined, known: Iterable<string>, errors: FieldError[]): string[] | undefined {
  if (fields === undefined) return undefined
  const all = [...known]
  fields.forEach((f, i) => {
    if (lookupField(f) === undefined && !all.some(k => k.startsWith(`${f}.`))) errors.push({ index: 0, path: `/fields/${i}`, message: `unknown field "${f}"` })
  })
  return [...new Set(['@timestamp', 'event.id', ...fields])]
}
