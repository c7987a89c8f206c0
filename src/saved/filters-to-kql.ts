import type { Filters } from '../query/filters.ts'

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
  const clauses = [
    ...anyOf('audit.tenant', f.tenant),
    ...anyOf('audit.category', f.category),
    ...anyOf('event.action', f.action),
    ...anyOf('source.ip', f.ip),
    ...anyOf('audit.session.id', f.sessionId),
    ...anyOf('user.id', f.userId),
    ...(f.operatorId === undefined ? [] : ['audit.actor.type:"operator"', ...anyOf('audit.actor.id', f.operatorId)]),
    ...anyOf('audit.actor.type', f.actorType),
    ...anyOf('event.outcome', f.outcome),
    ...anyOf('audit.importance.level', f.importance?.levels),
    ...(f.importance?.min === undefined ? [] : [`audit.importance.level >= ${f.importance.min}`]),
    ...anyOf('source.geo.country_iso_code', f.country),
    ...anyOf('audit.device.type', f.deviceType),
    ...anyOf('user_agent.name', f.browser),
    ...anyOf('user_agent.os.name', f.os),
    ...(f.amount?.gte === undefined ? [] : [`audit.money.amount >= ${f.amount.gte}`]),
    ...(f.amount?.lte === undefined ? [] : [`audit.money.amount <= ${f.amount.lte}`]),
    ...anyOf('audit.money.currency', f.currency),
    ...(f.text === undefined ? [] : [kqlValue(f.text)])
  ]
  const notes = f.text === undefined ? [] : ['free text became a quoted KQL phrase: Kibana matches it against every field, Sillage against message and reason']
  return { kql: clauses.join(' and '), notes }
}

/** Combines a KQL query with more clauses, keeping each side's precedence. */
export function andKql (...parts: Array<string | undefined>): string {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '')
  return present.length <= 1 ? (present[0] ?? '') : present.map(p => `(${p})`).join(' and ')
}
