import t from 'tap'
import fc from 'fast-check'
import type { EntityEvent } from '../../../src/entities/entity-event.ts'
import { addEvent, mergeStates } from '../../../src/entities/merge.ts'
import { addCapped, CAPS, emptyState, listEntry, type Capped, type EntityState } from '../../../src/entities/model.ts'
import { encodeDoc, fromDoc, toDoc } from '../../../src/entities/codec.ts'

const NOW = Date.UTC(2026, 5, 1)

function ev (i: number, user: string): EntityEvent {
  return { tenant: 't', id: `e-${i}`, time: NOW + i, ingested: NOW, action: 'login', outcome: 'success', user, ip: '81.2.69.142', level: 'low', score: 10 }
}

/** An address's state after one delta per event, as the worker folds them. */
function fold (s: EntityState, events: readonly EntityEvent[]): EntityState {
  for (const e of events) {
    const d = emptyState('t', 'ip', '81.2.69.142')
    addEvent(d, e)
    mergeStates(s, d)
  }
  return s
}

/** A document with its lists sorted and its fields in order: the order of a list's items means nothing. */
function canonical (v: unknown): string {
  const norm = (x: unknown): unknown => Array.isArray(x)
    ? x.map(norm).sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)
    : x !== null && typeof x === 'object' ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a < b ? -1 : 1).map(([k, y]) => [k, norm(y)])) : x
  return JSON.stringify(norm(v))
}

t.test('a capped set: the smallest keys, its largest when known, its entries in step', async t => {
  const name = (k: number): string => `k${String(k).padStart(2, '0')}`
  // Long enough runs over a small range of keys fill the set, then bring keys beyond it and below its largest.
  const step = fc.record({ key: fc.integer({ min: 0, max: 30 }), f: fc.integer({ min: 0, max: 9 }), l: fc.integer({ min: 0, max: 9 }), keep: fc.boolean() })
  await fc.assert(fc.property(fc.array(step, { minLength: 5, maxLength: 80 }), fc.boolean(), (steps, firstOnly) => {
    const set: Capped = { items: new Map(), more: false }
    for (const x of steps) {
      if (x.keep) set.entries ??= new Map([...set.items].map(([k, v]) => [k, listEntry(k, v)]))
      addCapped(set, name(x.key), { f: Math.min(x.f, x.l), l: Math.max(x.f, x.l) }, 5, firstOnly)
      const keys = [...set.items.keys()]
      if (set.top !== undefined && set.top !== keys.reduce((a, b) => a > b ? a : b)) return false
      if (set.entries !== undefined && JSON.stringify([...set.entries]) !== JSON.stringify([...set.items].map(([k, v]) => [k, listEntry(k, v)]))) return false
    }
    const distinct = [...new Set(steps.map(x => x.key))].sort((a, b) => a - b)
    return JSON.stringify([...set.items.keys()].sort()) === JSON.stringify(distinct.slice(0, 5).map(name)) && set.more === distinct.length > 5
  }), { numRuns: 500 })
  t.pass('whatever the order, the spans and when the entries began to be kept')
})

t.test('the lists kept between writes are always those of the sets as they are', async t => {
  // An address one short of 1,000 users (0100-1098) meets users around its largest (1080-1120) and below it
  // (0000-0099, which evict the largest); a user meets up to 121 addresses (100 kept) and signs in from 60 places
  // (50 kept), with earlier and later times that widen the spans.
  const users = Array.from({ length: CAPS.users - 1 }, (_, i) => ev(i, `u-${String(100 + i).padStart(4, '0')}`))
  const step = fc.record({
    user: fc.oneof(fc.integer({ min: 1080, max: 1120 }), fc.integer({ min: 0, max: 99 })), ip: fc.integer({ min: 0, max: 120 }),
    at: fc.integer({ min: -50, max: 50 }), write: fc.boolean(), reread: fc.boolean()
  })
  await fc.assert(fc.property(fc.array(step, { minLength: 200, maxLength: 300 }), steps => {
    let address = fold(emptyState('t', 'ip', '81.2.69.142'), users)
    let user = emptyState('t', 'user', 'u-1')
    const references = [fold(emptyState('t', 'ip', '81.2.69.142'), users), emptyState('t', 'user', 'u-1')] as const
    steps.forEach((x, i) => {
      const e: EntityEvent = { ...ev(i, `u-${String(x.user).padStart(4, '0')}`), time: NOW + x.at, ip: `10.0.0.${x.ip}`, lat: 40 + x.ip % 60, lon: 2 }
      for (const s of [address, user, ...references]) fold(s, [{ ...e, user: s.kind === 'user' ? 'u-1' : e.user }])
      if (x.write) { encodeDoc(address); encodeDoc(user) } // makes and keeps the lists
      if (x.reread) { address = fromDoc(toDoc(address)); user = fromDoc(JSON.parse(encodeDoc(user))) } // read back from their documents
    })
    return [address, user].every((s, k) => {
      const expected = canonical(toDoc(references[k] as EntityState))
      return canonical(toDoc(s)) === expected && canonical(JSON.parse(encodeDoc(s))) === expected
    })
  }), { numRuns: 40 })
  const filled = fold(fold(emptyState('t', 'ip', '81.2.69.142'), users), [ev(0, 'u-0000'), ev(1, 'u-2000')])
  t.equal(filled.users.items.size, CAPS.users, 'the address\'s set is full')
  t.pass('same documents, whatever was kept or read back on the way, as objects and as JSON')
})

t.test('a full list is not encoded again for a user beyond it', async t => {
  const s = fold(emptyState('t', 'ip', '81.2.69.142'), Array.from({ length: CAPS.users }, (_, i) => ev(i, `u-${String(i).padStart(5, '0')}`)))
  encodeDoc(s)
  const kept = s.users.json
  t.ok(kept?.startsWith('["u-00000|'), 'the list is kept as JSON once written')
  fold(s, [ev(CAPS.users, 'u-99999')])
  t.equal(s.users.json, kept, 'the same JSON after a user beyond the list')
  const doc = JSON.parse(encodeDoc(s)) as ReturnType<typeof toDoc>
  t.equal(doc.users_more, true, 'the document says there were more users')
  t.equal(doc.user_count, CAPS.users)
  t.equal(doc.last, NOW + CAPS.users, 'and has the new last time')
  fold(s, [ev(CAPS.users + 1, 'u-')])
  t.equal(s.users.json, undefined, 'a smaller key changes the list')
  const users = (JSON.parse(encodeDoc(s)) as ReturnType<typeof toDoc>).users ?? []
  t.ok(users.some(u => u.startsWith('u-|')), 'and is in it')
  t.notOk(users.some(u => u.startsWith(`u-${String(CAPS.users - 1).padStart(5, '0')}|`)), 'in place of the largest')
  t.equal(users.length, CAPS.users)
})

t.test('a state read from its document keeps the stored entries', async t => {
  const s = fold(emptyState('t', 'ip', '81.2.69.142'), [ev(1, 'u-1'), ev(2, 'u-2')])
  const doc = toDoc(s)
  const back = fromDoc(doc)
  t.same([...back.users.entries?.values() ?? []], doc.users)
  t.same(JSON.parse(encodeDoc(back)), JSON.parse(encodeDoc(s)))
  const repeated = fromDoc({ ...doc, users: ['u-1|1|1', 'u-1|2|2'] })
  t.same(toDoc(repeated).users, ['u-1|2|2'], 'a key listed twice is one item, its last entry')
})
