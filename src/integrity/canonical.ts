/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, strings escaped as JSON.stringify escapes them, arrays in order.
 * Two values that are equal as JSON have the same canonical text, whatever their key order or spacing.
 * Values JSON cannot carry (NaN, Infinity, bigint) are refused rather than silently changed.
 */
export function canonicalize (value: unknown): string {
  // Fast path: rebuild objects with their keys in order and let the native serialiser write them. Keys that
  // look like array indices are enumerated first by JavaScript whatever the insertion order, and "__proto__"
  // cannot be assigned as a plain key: values with such keys take the recursive path.
  const sorted = withSortedKeys(value)
  const text: string | undefined = sorted === SLOW_PATH ? canonicalText(value) : JSON.stringify(sorted)
  if (text === undefined) throw new TypeError(`a ${typeof value} has no JSON form`)
  return text
}

const SLOW_PATH = Symbol('slow path')

function withSortedKeys (value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`)
    if (typeof value === 'bigint') throw new TypeError('a bigint has no JSON form')
    return value
  }
  const withJson = value as { toJSON?: () => unknown }
  if (typeof withJson.toJSON === 'function') return withSortedKeys(withJson.toJSON())
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item = withSortedKeys(value[i])
      if (item === SLOW_PATH) return SLOW_PATH
      if (item !== value[i]) (copy ??= value.slice())[i] = item
    }
    return copy ?? value
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  let inOrder = true
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const first = key.charCodeAt(0)
    if ((first >= 48 && first <= 57) || key === '__proto__') return SLOW_PATH
    if (i > 0 && (keys[i - 1] as string) > key) inOrder = false
  }
  if (!inOrder) keys.sort()
  let out: Record<string, unknown> | undefined = inOrder ? undefined : {}
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string
    const item = withSortedKeys(record[key])
    if (item === SLOW_PATH) return SLOW_PATH
    if (out === undefined && item !== record[key]) {
      // Keys already in order, but a member changed: copy the ones before it.
      out = {}
      for (let j = 0; j < i; j++) out[keys[j] as string] = record[keys[j] as string]
    }
    if (out !== undefined) out[key] = item
  }
  return out ?? value
}

/** The recursive definition; the fast path must give the same text. */
export function canonicalText (value: unknown): string {
  switch (typeof value) {
    case 'string': return JSON.stringify(value)
    case 'boolean': return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`)
      // String() is the ECMAScript shortest round-trip form that JCS prescribes; -0 becomes "0" as in JSON.
      return Object.is(value, -0) ? '0' : String(value)
    case 'object': {
      if (value === null) return 'null'
      const withJson = value as { toJSON?: () => unknown }
      if (typeof withJson.toJSON === 'function') return canonicalText(withJson.toJSON())
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          const item: unknown = value[i]
          // As in JSON.stringify, array holes and undefined items are null.
          out += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalText(item)
        }
        return out + ']'
      }
      const record = value as Record<string, unknown>
      // The default sort compares UTF-16 code units, which is the order JCS requires.
      const keys = Object.keys(record).sort()
      let out = '{'
      let first = true
      for (const key of keys) {
        const item = record[key]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalText(item)
        first = false
      }
      return out + '}'
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`)
  }
}
