import t from 'tap'
import { kqlEvents } from '../../../console/src/api/kql.ts'

t.test('the console opens evidence by tenant and id', async t => {
  t.equal(kqlEvents([{ id: 'e-1', tenant: 'brand-a' }, { id: 'e-2', tenant: 'brand-a' }]), 'audit.tenant:"brand-a" and event.id:("e-1" or "e-2")')
  t.equal(kqlEvents([{ id: 'e-1', tenant: 'brand-a' }, { id: 'e-1', tenant: 'brand-b' }, { id: 'x"y' }]), '(audit.tenant:"brand-a" and event.id:("e-1")) or (audit.tenant:"brand-b" and event.id:("e-1")) or (event.id:("x\\"y"))')
  t.equal(kqlEvents([{ id: 'e-1' }]), 'event.id:("e-1")')
})
