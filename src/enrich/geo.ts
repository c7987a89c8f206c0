import geoip from 'geoip-lite'
import { Lru } from './lru.ts'
import { ipScope, unmapIp } from './ip-scope.ts'
import type { AddressLocation, SourceGeo } from '../events/enrichment.ts'

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' })

function locate (ip: string): SourceGeo | undefined {
  const hit = geoip.lookup(ip)
  if (hit === null || hit.country === '') return undefined
  const name = countryNames.of(hit.country)
  const [lat, lon] = hit.ll
  // Keys in sorted order, as the stored event's canonical form has them: it is then written without a copy.
  return {
    ...(hit.city === '' ? {} : { city_name: hit.city }),
    country_iso_code: hit.country,
    ...(name === undefined || name === hit.country ? {} : { country_name: name }),
    ...(lat === undefined || lon === undefined || (lat === 0 && lon === 0) ? {} : { location: { lat, lon } }),
    ...(hit.region === '' ? {} : { region_iso_code: `${hit.country}-${hit.region}` }),
    ...(hit.timezone === '' ? {} : { timezone: hit.timezone })
  }
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
