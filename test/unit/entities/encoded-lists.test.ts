import t from 'tap'
import fc from 'fast-check'
import type { EntityEvent } from '../../../src/entities/entity-event.ts'
import { addEvent, mergeStates } from '../../../src/entities/merge.ts'
import { CAPS, emptyState, type EntityState } from '../../../src/entities/model.ts'
import { fromDoc, toDoc } from '../../../src/entities/codec.ts'

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

const sortedUsers = (s: EntityState): string => JSON.stringify([...(toDoc(s).users ?? [])].sort())

t.test('an encoded list kept between writes is always the list of the set as it is', async t => {
  // Users from a small range, so that sets fill, keys beyond the cap come and smaller ones evict the largest.
  await fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 200 }), steps => {
    let s = emptyState('t', 'ip', '81.2.69.142')
    const reference = emptyState('t', 'ip', '81.2.69.142')
    steps.forEach(([user, write, reread], i) => {
      const e = ev(i, `u-${user}`)
      fold(s, [e])
      fold(reference, [e])
      if (write) toDoc(s) // encodes the lists and keeps them
      if (reread) s = fromDoc(toDoc(s)) // a state read back from its document keeps the stored list
    })
    return sortedUsers(s) === sortedUsers(reference)
  }), { numRuns: 300 })
  t.pass('same users, whatever was cached or read back on the way')
})

t.test('a full list is not encoded again for a user beyond it', async t => {
  const s = fold(emptyState('t', 'ip', '81.2.69.142'), Array.from({ length: CAPS.users }, (_, i) => ev(i, `u-${String(i).padStart(5, '0')}`)))
  const before = toDoc(s).users
  fold(s, [ev(CAPS.users, 'u-99999')])
  const after = toDoc(s)
  t.equal(after.users, before, 'the same encoded list')
  t.equal(after.users_more, true, 'the set says there were more users')
  t.equal(after.user_count, CAPS.users)
  fold(s, [ev(CAPS.users + 1, 'u-')])
  t.not(toDoc(s).users, before, 'a smaller key changes the list')
  t.ok(toDoc(s).users?.some(u => u.startsWith('u-|')), 'and is in it')
  t.notOk(toDoc(s).users?.some(u => u.startsWith(`u-${String(CAPS.users - 1).padStart(5, '0')}|`)), 'in place of the largest')
})

t.test('a state read from its document reuses the stored lists', async t => {
  const s = fold(emptyState('t', 'ip', '81.2.69.142'), [ev(1, 'u-1'), ev(2, 'u-2')])
  const doc = toDoc(s)
  t.equal(toDoc(fromDoc(doc)).users, doc.users)
  const repeated = fromDoc({ ...doc, users: ['u-1|1|1', 'u-1|2|2'] })
  t.same(toDoc(repeated).users, ['u-1|2|2'], 'a list with a repeated key is encoded again from its items')
})
