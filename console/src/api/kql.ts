/** A KQL phrase: the text in double quotes, its quotes and backslashes escaped, so that it matches that value exactly. */
export const kqlPhrase = (text: string): string => `"${text.replace(/[\\"]/g, c => `\\${c}`)}"`

/** A KQL clause matching any of the values of one field exactly: `event.id:("a" or "b")`. */
export const kqlOneOf = (field: string, values: readonly string[]): string => `${field}:(${values.map(kqlPhrase).join(' or ')})`

/**
 * A KQL query matching these events exactly: event ids are unique within a tenant only, so ids of a known tenant are
 * matched within it (`(audit.tenant:"a" and event.id:("1" or "2")) or …`); ids without one, by id alone.
 */
export function kqlEvents (events: ReadonlyArray<{ id: string, tenant?: string }>): string {
  const byTenant = new Map<string | undefined, string[]>()
  for (const e of events) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e.id])
  const clauses = [...byTenant].map(([tenant, ids]) => tenant === undefined ? kqlOneOf('event.id', ids) : `audit.tenant:${kqlPhrase(tenant)} and ${kqlOneOf('event.id', ids)}`)
  return clauses.length === 1 ? clauses[0] as string : clauses.map(c => `(${c})`).join(' or ')
}
