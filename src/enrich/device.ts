import { UAParser } from 'ua-parser-js'
import { Lru } from './lru.ts'
import type { DeviceType } from '../events/schema.ts'
import type { DeviceDescription } from '../events/enrichment.ts'

const BOT = /bot|crawler|spider|slurp|curl\/|wget\/|python-requests|headless/i
const DESKTOP_OS = /^(windows|mac os|macos|linux|ubuntu|debian|fedora|chrom(e|ium) os|freebsd|openbsd)/i
const PARSER_TYPES: Record<string, DeviceType> = {
  mobile: 'mobile', tablet: 'tablet', smarttv: 'smarttv', console: 'console', wearable: 'wearable', embedded: 'embedded'
}

function parse (ua: string): DeviceDescription {
  const r = new UAParser(ua).getResult()
  const os = r.os.name
  let type: DeviceType = PARSER_TYPES[r.device.type ?? ''] ?? 'unknown'
  if (BOT.test(ua)) type = 'bot'
  // ua-parser leaves desktops without a device type; a desktop operating system is the tell.
  else if (type === 'unknown' && os !== undefined && DESKTOP_OS.test(os)) type = 'desktop'
  const fields: DeviceDescription = { type }
  if (r.browser.name !== undefined) fields.browser = r.browser.name
  if (r.browser.version !== undefined) fields.browserVersion = r.browser.version
  if (os !== undefined) fields.os = os
  if (r.os.version !== undefined) fields.osVersion = r.os.version
  const deviceName = [r.device.vendor, r.device.model].filter(Boolean).join(' ')
  if (deviceName !== '') fields.deviceName = deviceName
  return fields
}

/** Parsing costs tens of microseconds and clients repeat the same few strings, so results are cached. */
export class DeviceEnricher {
  private readonly cache: Lru<DeviceDescription>

  constructor (cacheSize: number) {
    this.cache = new Lru(cacheSize)
  }

  parse (userAgent: string): DeviceDescription {
    return this.cache.get(userAgent, parse)
  }
}
