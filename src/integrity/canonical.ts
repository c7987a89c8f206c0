/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, strings escaped as JSON.stringify escapes them, arrays in order.
 * Two values that are equal as JSON have the same canonical text, whatever their key order or spacing.
 * Values JSON cannot carry (NaN, Infinity, bigint) are refused rather than silently changed.
 */
export function canonicalize (value: unknown): string {
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
      if (typeof withJson.toJSON === 'function') return canonicalize(withJson.toJSON())
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          const item: unknown = value[i]
          // As in JSON.stringify, array holes and undefined items are null.
          out += item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalize(item)
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
        out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonicalize(item)
        first = false
      }
      return out + '}'
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`)
  }
}
