import t from 'tap'
import { eventDocId, eventIdOfDoc } from '../../../../src/store/events/event-doc-id.ts'

t.test('document ids hold the tenant and the event id, and read back either form', async t => {
  t.equal(eventDocId('brand-a', 'evt-1'), 'brand-a/evt-1')
  t.not(eventDocId('brand-a', 'x'), eventDocId('brand-b', 'x'))
  for (const id of ['evt-1', 'a:b', 'x@y.z', 'brand-a:evt-1', '01936f0e-8a4b-7c1d-9e2f-3a4b5c6d7e8f']) {
    t.equal(eventIdOfDoc(eventDocId('brand_a-1', id)), id, `${id} reads back`)
    t.equal(eventIdOfDoc(id), id, `${id} stored by an earlier version (_id = event id) reads back`)
    t.not(eventDocId('brand-a', id), id, 'no new id equals an id of an earlier version')
  }
})
