import fc from 'fast-check'

// Text shaped like dates and date math, every part allowed to be wrong: what a fuzzer sends.
const part = (n: number, min: number, max: number) => fc.oneof(fc.integer({ min, max }), fc.integer({ min: 0, max: 10 ** n - 1 })).map(v => String(v).padStart(n, '0'))
const zone = fc.constantFrom('', 'Z', '+02:00', '-0530', '+99:99', '-18:00', '+18:30')
const time = fc.tuple(part(2, 0, 23), part(2, 0, 59), part(2, 0, 60), zone).map(([h, m, s, z]) => `T${h}:${m}:${s}${z}`)

export const isoLike = fc.tuple(part(4, 1965, 2100), part(2, 1, 12), part(2, 1, 31), fc.option(time, { nil: '' }))
  .map(([y, mo, d, t]) => `${y}-${mo}-${d}${t}`)
const step = fc.tuple(fc.constantFrom('+', '-'), fc.oneof(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999_999 })), fc.constantFrom('y', 'M', 'w', 'd', 'h', 'H', 'm', 's'))
  .map(([s, n, u]) => `${s}${n}${u}`)
const math = fc.tuple(fc.array(step, { maxLength: 4 }), fc.constantFrom('', '/y', '/M', '/w', '/d', '/h', '/m', '/s')).map(([steps, round]) => steps.join('') + round)

export const dateLike = fc.oneof(
  math.map(m => `now${m}`),
  isoLike,
  fc.tuple(isoLike, math).map(([iso, m]) => `${iso}||${m}`),
  fc.string({ maxLength: 70 })
)
