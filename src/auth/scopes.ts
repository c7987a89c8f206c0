/**
 * `read` sees events whole; `read:masked` sees personal fields masked; `export` may export what it can read;
 * `admin` manages keys and rules, reads the access log, and holds every other scope.
 */
import type { Scope } from '../config/scopes.ts'

export { SCOPES, type Scope } from '../config/scopes.ts'

/** The scopes a route can require; `read:masked` is a way of holding `read`, not a route requirement. */
export type RouteScope = Exclude<Scope, 'read:masked'>

export function grants (held: readonly Scope[], needed: RouteScope): boolean {
  if (held.includes('admin')) return true
  if (needed === 'read') return held.includes('read') || held.includes('read:masked')
  return held.includes(needed)
}

/** Personal fields are masked unless the key holds full `read` (or `admin`). */
export function seesMasked (held: readonly Scope[]): boolean {
  return !held.includes('read') && !held.includes('admin')
}
