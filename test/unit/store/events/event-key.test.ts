import t from 'tap'
import { eventKey } from '../../../../src/store/events/event-key.ts'

t.test('event keys are 32-bit FNV-1a, as signed integers (stored keys depend on it never changing)', async t => {
  // The published FNV-1a test vectors (ASCII, where UTF-16 code units are the bytes).
  t.equal(eventKey('') >>> 0, 0x811c9dc5)
  t.equal(eventKey('a') >>> 0, 0xe40c292c)
  t.equal(eventKey('foobar') >>> 0, 0xbf9cf968)
  for (const id of ['', 'a', 'evt-1', 'Ж'.repeat(300)]) {
    const key = eventKey(id)
    t.ok(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31, `${JSON.stringify(id.slice(0, 8))} fits an Elasticsearch integer`)
  }
  t.not(eventKey('evt-1'), eventKey('evt-2'))
  t.equal(eventKey('evt-462789'), eventKey('evt-679192'), 'two ids can share a key (found by search; used by the store test)')
})
