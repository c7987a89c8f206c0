import type { ReadScope } from '../../auth/read-scope.ts'
import type { EntitiesStore } from '../../store/events/entities-store.ts'
import type { EntityDoc } from '../../entities/codec.ts'
import { haversineKm } from '../signals/impossible-travel.ts'
import { entityQuery } from './entity-query.ts'

/** Place keys are rounded to 4 decimals: two points are at most this much further apart than their keys. */
const SLACK_KM = 0.05
/** More candidates than this in one terms query, and the scan of everyone is as good. */
export const MAX_CANDIDATES = 60_000
/**
 * Reading a user's sign-in places from the store costs about as much as scanning five or six sign-in events
 * (about 86 µs against 13 on the entity benchmark's 10 million events): with more users to read than a sixth of the
 * sign-ins to scan, the scan alone is faster than narrowing it. Up to CHEAP_READ users (well under a second),
 * the store is read whatever the ratio.
 */
const READ_COST_IN_SIGN_INS = 6
const CHEAP_READ = 10_000

interface Place { lat: number, lon: number, f: number, l: number }

function placesOf (values: readonly unknown[]): Place[] {
  return values.map(v => {
    const [at, f, l] = String(v).split('|') as [string, string, string]
    const [lat, lon] = at.split(',').map(Number) as [number, number]
    return { lat, lon, f: Number(f), l: Number(l) }
  })
}

/**
 * Whether any two of a user's sign-in places could make an impossible-travel pair: far enough apart, and with
 * sign-ins close enough in time. Two sign-ins at places A and B are at least as far apart in time as A's and B's
 * periods of use (no time at all when those overlap), so a user none of whose place pairs qualifies has no
 * consecutive pair that does.
 */
export function couldTravel (places: readonly Place[], maxSpeedKmh: number, minDistanceKm: number): boolean {
  for (let i = 0; i < places.length; i++) {
    for (let j = i + 1; j < places.length; j++) {
      const a = places[i] as Place
      const b = places[j] as Place
      const km = haversineKm(a, b) + SLACK_KM
      if (km < minDistanceKm) continue
      const gapMs = Math.max(0, Math.max(a.f, b.f) - Math.min(a.l, b.l))
      if (gapMs === 0 || km / (gapMs / 3_600_000) > maxSpeedKmh) return true
    }
  }
  return false
}

/**
 * Users of a tenant who could have an impossible-travel signal, from their sign-in places in the entity store;
 * undefined when the store cannot narrow the scan (platform keys see users across tenants, distances under the
 * rounding of places, more users to read than the scan would save, or too many candidates).
 */
export async function travelCandidates (store: EntitiesStore, scope: ReadScope, maxSpeedKmh: number, minDistanceKm: number, signIns: () => Promise<number>): Promise<{ users: string[], read: number } | undefined> {
  if (scope.tenant === null || minDistanceKm < 2 * SLACK_KM) return undefined
  const travelled = entityQuery(scope, 'user', { range: { place_count: { gte: 2 } } })
  const toRead = await store.count(travelled)
  if (toRead > CHEAP_READ && toRead * READ_COST_IN_SIGN_INS > await signIns()) return undefined
  const users: string[] = []
  const read = await store.walk(travelled, ['key', 'places', 'places_more'], docs => {
    for (const d of docs as Array<Pick<EntityDoc, 'key' | 'places' | 'places_more'>>) {
      // A capped list may miss places: such users are always scanned.
      if (d.places_more === true || couldTravel(placesOf(d.places ?? []), maxSpeedKmh, minDistanceKm)) users.push(d.key)
    }
  })
  return users.length > MAX_CANDIDATES ? undefined : { users, read }
}
