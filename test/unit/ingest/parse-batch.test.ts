import t from 'tap'
import { splitBody } from '../../../src/ingest/parse-batch.ts'

t.test('one event or a batch', async t => {
  t.same(splitBody({ event: { action: 'login' } }, 10), { items: [{ event: { action: 'login' } }] })
  t.same(splitBody({ events: [1, 2] }, 10), { items: [1, 2] })
  t.match(splitBody({ events: [] }, 10), { errors: [{ path: '/events', message: /non-empty/ }] })
  t.match(splitBody({ events: [1, 2, 3] }, 2), { errors: [{ path: '/events', message: 'holds 3 events; at most 2 per request' }] })
  t.match(splitBody({ events: [1], extra: true }, 10), { errors: [{ path: '/extra' }] })
  t.match(splitBody([1], 10), { errors: [{ path: '/' }] })
  t.match(splitBody('x', 10), { errors: [{ path: '/' }] })
})
