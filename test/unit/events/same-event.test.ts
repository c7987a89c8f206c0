import t from 'tap'
import { clientFingerprint, clientView, differingFields, sameEvent, sameFingerprint } from '../../../src/events/same-event.ts'

const stored = {
  '@timestamp': '2026-11-26T10:00:00.000Z',
  event: { id: 'e-1', action: 'deposit', outcome: 'success', kind: 'event', ingested: '2026-11-26T10:00:01.000Z' },
  message: 'deposit',
  user: { id: 'u-1' },
  source: { ip: '81.2.69.142', geo: { country_iso_code: 'GB' } },
  user_agent: { original: 'UA', name: 'Chrome', os: { name: 'Windows' } },
  related: { user: ['u-1'], ip: ['81.2.69.142'] },
  audit: {
    tenant: 'brand-a', category: 'money', retention: 'financial', actor: { type: 'user', id: 'u-1' },
    importance: { level: 'high', score: 70, rule: 'r' }, device: { type: 'desktop' }, ip_scope: 'public',
    money: { amount: 10, currency: 'EUR', direction: 'in' }
  }
}

/** The document of an event sent without a time and received at `at`. */
const unset = (at: string) => ({ ...structuredClone(stored), '@timestamp': at, event: { ...stored.event, ingested: at } })

t.test('two receipts of one event differ only in what the server derives', async t => {
  const again = structuredClone(stored)
  again.event.ingested = '2026-11-27T08:00:00.000Z'
  again.audit.importance = { level: 'critical', score: 95, rule: 'changed-rule' }
  again.source.geo = { country_iso_code: 'IE' }
  t.ok(sameEvent(stored, again))
  t.equal(clientFingerprint(stored), clientFingerprint(again))
  t.same(differingFields(stored, again), [])
  t.notOk('ingested' in (clientView(stored) as { event: object }).event)
})

t.test('key order does not matter; content does', async t => {
  const reordered = JSON.parse(JSON.stringify({ user: stored.user, audit: stored.audit, event: stored.event, message: stored.message, '@timestamp': stored['@timestamp'], source: stored.source, user_agent: stored.user_agent, related: stored.related }))
  t.ok(sameEvent(stored, reordered))
  const edited = structuredClone(stored)
  edited.message = 'withdrawal'
  edited.audit.money.amount = 11
  t.notOk(sameEvent(stored, edited))
  t.not(clientFingerprint(stored), clientFingerprint(edited))
  t.same(differingFields(stored, edited), ['audit.money.amount', 'message'])
})

t.test('a time of receipt stands for "no time given"; a time the client gave is content', async t => {
  t.ok(sameEvent(unset('2026-11-26T10:00:00.000Z'), unset('2026-12-01T00:00:00.500Z')), 'a retry without a time, whenever it comes')
  const moved = structuredClone(stored)
  moved['@timestamp'] = '2026-09-26T10:00:00.000Z'
  t.notOk(sameEvent(stored, moved))
  t.same(differingFields(stored, moved), ['@timestamp'])
  t.notOk(sameEvent(stored, unset('2026-11-27T09:00:00.000Z')), 'a time given, then none')
  t.same(differingFields(stored, unset('2026-11-27T09:00:00.000Z')), ['@timestamp'])
  t.notOk(sameFingerprint(clientFingerprint(stored), clientFingerprint(unset('2026-11-27T09:00:00.000Z'))))
})

t.test('a time given in the millisecond of its receipt is still the same event when sent again', async t => {
  // Stamped as it was sent, and received in that millisecond: stored, it looks like a time of receipt.
  const first = { ...structuredClone(stored), event: { ...stored.event, ingested: stored['@timestamp'] } }
  const retry = structuredClone(stored)
  t.ok(sameEvent(first, retry))
  t.ok(sameEvent(retry, first))
  t.same(differingFields(first, retry), [])
  t.ok(sameFingerprint(clientFingerprint(first), clientFingerprint(retry)))
  const moved = { ...structuredClone(stored), '@timestamp': '2026-11-26T10:00:00.001Z' }
  t.notOk(sameEvent(first, moved), 'another time given is another event')
  t.notOk(sameFingerprint(clientFingerprint(first), clientFingerprint(moved)))
  t.same(differingFields(first, moved), ['@timestamp'])
  t.ok(sameFingerprint(clientFingerprint(first), clientFingerprint(unset('2026-12-01T00:00:00.500Z'))), 'no time given either time')
})
