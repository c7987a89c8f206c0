import type { DeviceType, StoredEvent } from './schema.ts'

/** Where an address is located, in the fields an event stores under `source.geo`. */
export type SourceGeo = NonNullable<NonNullable<StoredEvent['source']>['geo']>

/** What an address is: public ones may be located, private, loopback and reserved ones never are. */
export type IpScope = NonNullable<StoredEvent['audit']['ip_scope']>

/** What is known of an address: its scope and, for a public one found in the database, its place. */
export interface AddressLocation { scope: IpScope, geo?: SourceGeo }

/** What a user agent string says of the device, browser and operating system. */
export interface DeviceDescription {
  type: DeviceType
  browser?: string
  browserVersion?: string
  os?: string
  osVersion?: string
  deviceName?: string
}

/**
 * What enrichment found for one event, computed before normalisation (enrich/ does the lookups): the model
 * only places the results, so it stays free of lookup tables and caches.
 */
export interface Enrichment {
  /** For `source.ip`; absent when the event has no address or the address is not one. */
  location?: AddressLocation
  /** For `user_agent.original`; absent when the event has no user agent. */
  device?: DeviceDescription
}
