import t from 'tap'
import fc from 'fast-check'
import { emptyState } from '../../../src/entities/model.ts'
import { StateCache, type Cached } from '../../../src/entities/state-cache.ts'

const entry = (key: string, size: number): Cached => ({ state: emptyState('t', 'user', key), version: { seqNo: 1, primaryTerm: 1 }, size })

t.test('the cache keeps the states of busy entities written last, up to the length of their documents', async t => {
  const cache = new StateCache(100)
  cache.put('a', entry('a', 40))
  t.same(cache.stats, { entries: 0, size: 0 }, 'an entity written once is not kept')
  for (const k of ['a', 'b', 'b', 'c', 'c']) cache.put(k, entry(k, 40))
  t.same(cache.stats, { entries: 2, size: 80 }, 'from their second write; the oldest went to make room')
  t.equal(cache.take('a'), undefined)
  t.equal(cache.take('b')?.state.key, 'b', 'taken')
  t.same(cache.stats, { entries: 1, size: 40 }, 'a taken state leaves the cache')
  cache.put('b', entry('b', 30))
  cache.put('c', entry('c', 50)) // written again: the most recent, with its new size
  cache.put('d', entry('d', 30))
  cache.put('d', entry('d', 30))
  t.same(cache.stats, { entries: 2, size: 80 }, 'b, the least recently written, went')
  t.equal(cache.take('b'), undefined)
  cache.put('e', entry('e', 101))
  cache.put('e', entry('e', 101))
  t.same(cache.stats, { entries: 2, size: 80 }, 'a document longer than the bound is not kept')
})

t.test('a second write counts within the last writes only', async t => {
  const cache = new StateCache(1000, 3)
  cache.put('a', entry('a', 1))
  for (const k of ['b', 'c', 'd']) cache.put(k, entry(k, 1))
  cache.put('a', entry('a', 1))
  t.equal(cache.take('a'), undefined, 'three other writes since: a is not busy')
  cache.put('a', entry('a', 1))
  for (const k of ['b', 'c', 'd', 'e']) cache.put(k, entry(k, 1))
  t.equal(cache.take('a')?.state.key, 'a', 'written twice in a row: kept, however many writes follow')
  cache.put('a', entry('a', 1))
  t.equal(cache.take('a')?.state.key, 'a', 'taken from the cache, then written: kept again')
})

t.test('whatever the order of writes and takes, the cache keeps the latest writes of busy entities within its bound', async t => {
  const op = fc.record({ key: fc.integer({ min: 0, max: 9 }), size: fc.integer({ min: 1, max: 60 }), take: fc.boolean() })
  await fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 100 }), ops => {
    const window = 5
    const cache = new StateCache(100, window)
    const model: Array<[string, number]> = [] // [key, size] kept, least recently written first
    const writes: string[] = [] // ids written or taken, least recent first, each once
    const note = (key: string): void => { writes.splice(writes.indexOf(key) >>> 0, writes.includes(key) ? 1 : 0); writes.push(key); if (writes.length > window) writes.shift() }
    for (const o of ops) {
      const key = `k${o.key}`
      const at = model.findIndex(([k]) => k === key)
      const hit = at >= 0 ? model.splice(at, 1)[0] : undefined
      if (hit !== undefined) note(key)
      if (o.take) {
        const taken = cache.take(key)
        if ((taken === undefined) !== (hit === undefined) || (taken !== undefined && taken.size !== hit?.[1])) return false
        continue
      }
      const busy = writes.includes(key)
      cache.put(key, entry(key, o.size))
      note(key)
      if (busy) model.push([key, o.size])
      while (model.reduce((n, [, s]) => n + s, 0) > 100) model.shift()
    }
    const size = model.reduce((n, [, s]) => n + s, 0)
    return cache.stats.entries === model.length && cache.stats.size === size && size <= 100
  }), { numRuns: 500 })
  t.pass('the same entries as a model of it')
})
