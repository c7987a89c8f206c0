import t from 'tap'
import { pseudonym, pseudonymiseEvent } from '../../../src/events/pseudonymise.ts'
import type { StoredEvent } from '../../../src/events/schema.ts'

const KEY = Buffer.from('k'.repeat(32))
const event = (): StoredEvent => ({
  '@timestamp': '2026-11-26T00:00:00.000Z',
  event: { id: 'e', action: 'role_changed', outcome: 'success', kind: 'event', ingested: '2026-11-26T00:00:00.000Z' },
  user: { id: 'u-1', email: 'ana@example.com', name: 'Ana' },
  related: { user: ['u-1', 'op-1'] },
  audit: {
    tenant: 't', category: 'profile', retention: 'security', actor: { type: 'operator', id: 'op-1', name: 'Zoë' },
    importance: { level: 'critical', score: 95, rule: 'r' }, device: { type: 'desktop', id: 'dev-9' }
  }
})

t.test('keyed, stable, per field', async t => {
  t.equal(pseudonym(KEY, 'user.id', 'u-1'), pseudonym(KEY, 'user.id', 'u-1'))
  t.not(pseudonym(KEY, 'user.id', 'u-1'), pseudonym(KEY, 'user.id', 'u-2'))
  t.not(pseudonym(KEY, 'user.id', 'x'), pseudonym(KEY, 'user.email', 'x'), 'the field is part of the input')
  t.not(pseudonym(KEY, 'user.id', 'u-1'), pseudonym(Buffer.from('j'.repeat(32)), 'user.id', 'u-1'), 'another key gives other pseudonyms')
  t.match(pseudonym(KEY, 'user.id', 'u-1'), /^ps_[A-Za-z0-9_-]{27}$/)
})

t.test('an event keeps its links after pseudonymisation', async t => {
  const e = event()
  pseudonymiseEvent(e, ['user.id', 'user.email', 'audit.actor.id', 'audit.device.id'], KEY)
  t.equal(e.user.id, pseudonym(KEY, 'user.id', 'u-1'))
  t.equal(e.user.email, pseudonym(KEY, 'user.email', 'ana@example.com'))
  t.equal(e.user.name, 'Ana', 'fields not chosen stay')
  t.equal(e.audit.actor.id, pseudonym(KEY, 'audit.actor.id', 'op-1'))
  t.same(e.related.user, [e.user.id, e.audit.actor.id], 'related users follow')
  t.equal(e.audit.device.id, pseudonym(KEY, 'audit.device.id', 'dev-9'))
  t.notMatch(JSON.stringify(e), /u-1|ana@example|op-1|dev-9/)
})
