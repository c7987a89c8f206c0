import type { StoredEvent } from './types.ts'

/** The value at a dotted path of a stored event (`source.geo.country_iso_code`). */
export function valueAt (event: StoredEvent, path: string): unknown {
  if (path in event) return event[path]
  let v: unknown = event
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<string, unknown>)[part]
  }
  return v
}

/**
 * The values at these paths as one flat event (`{ 'source.ip': … }`), which valueAt reads as it reads the
 * nested one. Every path is a key, present or not, so that events picked alike share one shape.
 */
export function pick (event: StoredEvent, paths: readonly string[]): StoredEvent {
  const out: StoredEvent = {}
  for (const path of paths) out[path] = valueAt(event, path)
  return out
}

/** Every leaf of an event as `[path, value]`, in the order stored; arrays of scalars stay one value. */
export function flatten (event: StoredEvent, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = []
  for (const [k, v] of Object.entries(event)) {
    const path = prefix === '' ? k : `${prefix}.${k}`
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flatten(v as StoredEvent, path))
    else out.push([path, v])
  }
  return out
}

export function display (v: unknown): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v)) return v.map(display).join(', ')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}
