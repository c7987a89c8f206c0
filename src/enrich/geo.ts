import geoip from 'geoip-lite'
import { Lru } from './lru.ts'
import { ipScope, unmapIp } from './ip-scope.ts'
import type { AddressLocation, SourceGeo } from '../events/enrichment.ts'

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' })

function locate (ip: string): SourceGeo | undefined {
  const hit = geoip.lookup(ip)
  if (hit === null || hit.country === '') return undefined
  const geo: SourceGeo = { country_iso_code: hit.country }
  const name = countryNames.of(hit.country)
  if (name !== undefined && name !== hit.country) geo.country_name = name
  if (hit.region !== '') geo.region_iso_code = `${hit.country}-${hit.region}`
  if (hit.city !== '') geo.city_name = hit.city
  if (hit.timezone !== '') geo.timezone = hit.timezone
  const [lat, lon] = hit.ll
  if (lat !== undefined && lon !== undefined && (lat !== 0 || lon !== 0)) geo.location = { lat, lon }
  return geo
}

/** Private, loopback and reserved addresses are labelled, never guessed; public ones are located. */
function resolve (ip: string): AddressLocation | undefined {
  const scope = ipScope(ip)
  if (scope === undefined) return undefined
  if (scope !== 'public') return { scope }
  const geo = locate(unmapIp(ip))
  return geo === undefined ? { scope } : { scope, geo }
}

/** Both the scope check and the lookup are cached: the scope check alone allocates several objects per call. */
export class GeoEnricher {
  private readonly cache: Lru<AddressLocation | undefined>

  constructor (cacheSize: number) {
    this.cache = new Lru(cacheSize)
  }

  lookup (ip: string): AddressLocation | undefined {
    return this.cache.get(ip, resolve)
  }

  get stats (): { hits: number, misses: number, size: number } {
    return { hits: this.cache.hits, misses: this.cache.misses, size: this.cache.size }
  }
}
