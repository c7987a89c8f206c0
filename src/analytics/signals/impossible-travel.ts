import { type Static, Type } from '@sinclair/typebox'
import { scanLimit, selection, type Query } from '../behaviour/request.ts'
import { signalSchema, signalsResponse, signalsSize, type Evidence, type Signal } from './common.ts'
import { SourceParam } from '../entities/source.ts'

export const ImpossibleTravelRequest = Type.Object({
  ...selection,
  maxSpeedKmh: Type.Optional(Type.Number({ minimum: 1, maximum: 1_000_000, default: 1000, description: 'Speed above which travel between two sign-ins is impossible' })),
  minDistanceKm: Type.Optional(Type.Number({ minimum: 0, maximum: 20_100, default: 100, description: 'Shorter distances are ignored: city-level geolocation is off by tens of kilometres' })),
  size: signalsSize,
  scanLimit: scanLimit('located successful sign-ins'),
  source: SourceParam
}, { additionalProperties: false, $id: 'ImpossibleTravelRequest' })
export type ImpossibleTravelRequest = Static<typeof ImpossibleTravelRequest>

export const TravelFigure = Type.Object({
  distanceKm: Type.Number({ description: 'Great-circle distance between the two sign-ins' }),
  hours: Type.Number({ description: 'Time between them' }),
  speedKmh: Type.Union([Type.Number(), Type.Null()], { description: 'distanceKm / hours; null when both happened in the same millisecond' }),
  maxSpeedKmh: Type.Number(),
  minDistanceKm: Type.Number()
})
export type TravelFigure = Static<typeof TravelFigure>

export const ImpossibleTravelResponse = signalsResponse(signalSchema(TravelFigure, 'The user id'), 'ImpossibleTravelResponse')

/** Successful sign-ins that were located; the others cannot take part in a pair. */
export const LOCATED_SIGN_IN: Query[] = [
  { term: { 'event.action': 'login' } },
  { term: { 'event.outcome': 'success' } },
  { exists: { field: 'source.geo.location' } }
]

export interface Point { lat: number, lon: number }

/** Mean Earth radius (IUGG), in km. */
export const EARTH_RADIUS_KM = 6371.0088

const rad = (deg: number): number => deg * Math.PI / 180

/** Great-circle distance by the haversine formula, in km. */
export function haversineKm (a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat)
  const dLon = rad(b.lon - a.lon)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

export function pointOf (v: unknown): Point | undefined {
  if (v === null || typeof v !== 'object') return undefined
  const { lat, lon } = v as { lat?: unknown, lon?: unknown }
  return typeof lat === 'number' && typeof lon === 'number' ? { lat, lon } : undefined
}

/**
 * Compares each located successful sign-in of a user with the user's previous one (fed user after user,
 * oldest first). A pair is a signal when the places are at least `minDistanceKm` apart and the speed needed to
 * go from one to the other is above `maxSpeedKmh` (or the two are simultaneous).
 */
export class TravelDetector {
  private previous: { user: string, time: number, at: Point, evidence: Evidence } | undefined

  constructor (private readonly maxSpeedKmh: number, private readonly minDistanceKm: number, private readonly emit: (s: Signal<TravelFigure>, speed: number) => void) {}

  push (user: string, time: number, at: Point, evidence: Evidence): void {
    const p = this.previous
    this.previous = { user, time, at, evidence }
    if (p === undefined || p.user !== user) return
    const distanceKm = haversineKm(p.at, at)
    if (distanceKm < this.minDistanceKm || distanceKm === 0) return
    const hours = (time - p.time) / 3_600_000
    const speed = hours === 0 ? Number.POSITIVE_INFINITY : distanceKm / hours
    if (speed <= this.maxSpeedKmh) return
    this.emit({
      key: user,
      users: [user],
      figure: { distanceKm, hours, speedKmh: hours === 0 ? null : speed, maxSpeedKmh: this.maxSpeedKmh, minDistanceKm: this.minDistanceKm },
      evidence: [p.evidence, evidence]
    }, speed)
  }
}
