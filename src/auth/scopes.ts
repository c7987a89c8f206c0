export const SCOPES = ['ingest', 'read', 'admin'] as const
export type Scope = typeof SCOPES[number]

/** admin is a superset: an operator with admin rights may ingest and read too. */
export function grants (held: readonly Scope[], needed: Scope): boolean {
  return held.includes(needed) || held.includes('admin')
}
