import t from 'tap'
import fc from 'fast-check'
import type { EntityEvent } from '../../../src/entities/entity-event.ts'
import { addEvent, mergeStates } from '../../../src/entities/merge.ts'
import { CAPS, emptyState, type EntityState } from '../../../src/entities/model.ts'
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

t.test('the lists kept between writes are always those of the sets as they are', async t => {
  // Users from a small range, so that sets fill, keys beyond the cap come and smaller ones evict the largest;
  // a user's devices, addresses and places from small ranges too, with repeated and earlier times.
  const step = fc.record({ user: fc.integer({ min: 0, max: 60 }), ip: fc.integer({ min: 0, max: 140 }), at: fc.integer({ min: -50, max: 50 }), write: fc.boolean(), reread: fc.boolean() })
  await fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 250 }), steps => {
    let address = emptyState('t', 'ip', '81.2.69.142')
    let user = emptyState('t', 'user', 'u-1')
    const references = [emptyState('t', 'ip', '81.2.69.142'), emptyState('t', 'user', 'u-1')] as const
    steps.forEach((x, i) => {
      const e: EntityEvent = { ...ev(i, `u-${x.user}`), time: NOW + x.at, ip: `10.0.0.${x.ip}`, device: `d-${x.ip % 7}`, lat: 40 + x.ip % 60, lon: 2 }
      for (const s of [address, user, ...references]) fold(s, [{ ...e, user: s.kind === 'user' ? 'u-1' : e.user }])
      if (x.write) { encodeDoc(address); encodeDoc(user); toDoc(address) } // makes and keeps the lists
      if (x.reread) { address = fromDoc(toDoc(address)); user = fromDoc(JSON.parse(encodeDoc(user))) } // read back from their documents
    })
    return [address, user].every((s, k) => {
      const expected = canonical(toDoc(references[k] as EntityState))
      return canonical(toDoc(s)) === expected && canonical(JSON.parse(encodeDoc(s))) === expected
    })
  }), { numRuns: 300 })
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
