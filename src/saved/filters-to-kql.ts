import type { Filters } from '../query/filters.ts'
import { FILTER_FIELDS, listOf } from '../query/filter-fields.ts'
import { LEVELS } from '../events/schema.ts'

/** A KQL value, always quoted: inside quotes only `"` and `\` need escaping. */
export function kqlValue (v: string | number): string {
  return typeof v === 'number' ? String(v) : `"${v.replace(/[\\"]/g, c => `\\${c}`)}"`
}

const anyOf = (field: string, values: readonly (string | number)[] | undefined): string[] =>
  values === undefined ? [] : [values.length === 1 ? `${field}:${kqlValue(values[0] as string)}` : `${field}:(${values.map(kqlValue).join(' or ')})`]

/**
 * The structured filters (all but the period, which becomes a time range) as one KQL expression with the
 * same meaning, so a search can travel to tools that only know KQL. Free text has no exact KQL twin
 * (Kibana searches every field with it): it is returned apart, as a note.
 */
export function filtersToKql (f: Filters): { kql: string, notes: string[] } {
  const clauses: string[] = []
  for (const { key, field, kind } of FILTER_FIELDS) {
    switch (kind) {
      case 'terms': case 'ip': clauses.push(...anyOf(field, listOf(f, key))); break
      case 'operator': if (f.operatorId !== undefined) clauses.push('audit.actor.type:"operator"', ...anyOf(field, f.operatorId)); break
      case 'importance':
        clauses.push(...anyOf(field, f.importance?.levels))
        // The levels from the minimum up, by name: a range on the keyword compares the words (Kibana would
        // keep high, low and medium for `>= high`).
        if (f.importance?.min !== undefined) clauses.push(...anyOf(field, LEVELS.slice(LEVELS.indexOf(f.importance.min))))
        break
      case 'amount':
        if (f.amount?.gte !== undefined) clauses.push(`${field} >= ${f.amount.gte}`)
        if (f.amount?.lte !== undefined) clauses.push(`${field} <= ${f.amount.lte}`)
    }
  }
  if (f.text !== undefined) clauses.push(kqlValue(f.text))
  const notes = f.text === undefined ? [] : ['free text became a quoted KQL phrase: Kibana matches it against every field, Sillage against message and reason']
  return { kql: clauses.join(' and '), notes }
}

/** Combines a KQL query with more clauses, keeping each side's precedence. */
export function andKql (...parts: Array<string | undefined>): string {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '')
  return present.length <= 1 ? (present[0] ?? '') : present.map(p => `(${p})`).join(' and ')
}
