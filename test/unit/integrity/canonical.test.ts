import t from 'tap'
import fc from 'fast-check'
import { canonicalize, canonicalText } from '../../../src/integrity/canonical.ts'

/** Equality of JSON values: numbers by value (0 and -0 are one JSON number), objects whatever their key order. */
function jsonEqual (a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every(k => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** The same value with every object's keys inserted in another order. */
function reorder (value: unknown, seed: number): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(v => reorder(v, seed + 1))
  const keys = Object.keys(value)
  const shift = keys.length === 0 ? 0 : seed % keys.length
  const order = [...keys.slice(shift), ...keys.slice(0, shift)].reverse()
  return Object.fromEntries(order.map(k => [k, reorder((value as Record<string, unknown>)[k], seed * 31 + 7)]))
}

t.test('RFC 8785 examples: key order by UTF-16 code units, number and string forms', async t => {
  const keys = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', 1: 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }
  t.equal(canonicalize(keys), '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}')
  t.equal(canonicalize({ numbers: [333333333.3333333, 1e30, 4.50, 2e-3, 0.000001, 1e-7, -0, 10, 1e21] }), '{"numbers":[333333333.3333333,1e+30,4.5,0.002,0.000001,1e-7,0,10,1e+21]}')
  t.equal(canonicalize({ string: '€$\u000f\nA\'B"\\\\"/', literals: [null, true, false] }), '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
  t.equal(canonicalize({ b: [3, { d: 1, c: 2 }], a: {} }), '{"a":{},"b":[3,{"c":2,"d":1}]}', 'nested, no whitespace, arrays keep order')
  t.equal(canonicalize({ a: undefined, b: 1 }), '{"b":1}', 'undefined members are left out, as in JSON')
  t.equal(canonicalize(new Date(0)), '"1970-01-01T00:00:00.000Z"')
  t.throws(() => canonicalize({ x: Number.NaN }))
  t.throws(() => canonicalize(Infinity))
  t.throws(() => canonicalize(10n))
})

t.test('canonical form is stable under key order and whitespace', async t => {
  fc.assert(fc.property(fc.jsonValue(), fc.nat(), (value, seed) => {
    const c = canonicalize(value)
    return canonicalize(reorder(value, seed)) === c && canonicalize(JSON.parse(JSON.stringify(value, null, 2))) === c
  }), { numRuns: 500 })
  t.pass()
})

t.test('canonical form round-trips to an equal value and is its own canonical form', async t => {
  fc.assert(fc.property(fc.jsonValue(), value => {
    const c = canonicalize(value)
    const back: unknown = JSON.parse(c)
    return jsonEqual(back, value) && canonicalize(back) === c
  }), { numRuns: 500 })
  t.pass()
})

t.test('different values have different canonical forms', async t => {
  fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => (canonicalize(a) === canonicalize(b)) === jsonEqual(a, b)), { numRuns: 1000 })
  // Near misses a random pair seldom produces.
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.jsonValue(), (obj, other) => {
    const key = Object.keys(obj)[0] as string
    const changed = { ...obj, [key]: other }
    return (canonicalize(changed) === canonicalize(obj)) === jsonEqual(changed, obj)
  }), { numRuns: 500 })
  t.not(canonicalize({ a: '1' }), canonicalize({ a: 1 }))
  t.not(canonicalize({ a: [1, 2] }), canonicalize({ a: [2, 1] }))
  t.not(canonicalize({ 'a,"b":1': 1 }), canonicalize({ a: 1, b: 1 }))
})

t.test('the fast path writes exactly the recursive definition', async t => {
  fc.assert(fc.property(fc.jsonValue(), value => canonicalize(value) === canonicalText(value)), { numRuns: 1000 })
  const tricky = JSON.parse('{"__proto__":{"b":1,"a":2},"10":1,"9":2,"z":[{"y":1,"x":2}]}') as unknown
  t.equal(canonicalize(tricky), '{"10":1,"9":2,"__proto__":{"a":2,"b":1},"z":[{"x":2,"y":1}]}', 'index-like keys sort as text; "__proto__" is a key like any other')
  t.equal(canonicalize(JSON.parse('{"__proto__":{"b":1,"a":2},"c":0}')), '{"__proto__":{"a":2,"b":1},"c":0}')
  t.throws(() => canonicalize(undefined))
})
