import t from 'tap'
import { maskEmail, maskEvent, maskIp, maskName, maskText, maskValue } from '../../../src/auth/masking.ts'

t.test('masks', async t => {
  t.equal(maskEmail('john@example.com'), 'j***@example.com')
  t.equal(maskIp('203.0.113.7'), '203.0.113.x')
  t.equal(maskIp('2a01:e0a:1:2::5'), '2a01:e0a:1::x')
  // A compressed address keeps three groups too, not its whole text.
  t.equal(maskIp('2a01::5'), '2a01:0:0::x')
  t.equal(maskIp('2A01:0E0A::1:2'), '2a01:e0a:0::x')
  t.equal(maskIp('::ffff:81.2.69.142'), '0:0:0::x')
  t.equal(maskIp('fe80::1%eth0'), 'fe80:0:0::x')
  t.equal(maskName('Ana María'), 'A*** M***')
  t.equal(maskName('Ζωή Παπαδοπούλου'), 'Ζ*** Π***')
  t.equal(maskValue('audit.change.before', 'old@example.com'), 'o***@example.com')
  t.equal(maskValue('audit.change.before', 'vip'), '***')
  t.equal(maskValue('event.action', 'login'), 'login', 'other fields unchanged')
  t.same(maskValue('related.ip', ['1.2.3.4', '2a01:e0a:1::9']), ['1.2.3.x', '2a01:e0a:1::x'])
  t.equal(maskText('mail john.doe@example.com from 81.2.69.142 ok'), 'mail j***@example.com from 81.2.69.x ok')
})

t.test('an event is masked everywhere personal data sits', async t => {
  const doc = {
    event: { id: 'e1', reason: 'blocked 10.1.2.3' },
    message: 'login by ana@example.com',
    user: { id: 'u-1', email: 'ana@example.com', name: 'Ana Lima' },
    source: { ip: '81.2.69.142', geo: { country_iso_code: 'GB' } },
    related: { ip: ['81.2.69.142'], user: ['u-1'] },
    audit: { actor: { type: 'operator', id: 'op-1', name: 'Zoë Martin' }, change: { field: 'email', before: 'a@x.io', after: 'b@y.io' } }
  }
  t.same(maskEvent(doc), {
    event: { id: 'e1', reason: 'blocked 10.1.2.x' },
    message: 'login by a***@example.com',
    user: { id: 'u-1', email: 'a***@example.com', name: 'A*** L***' },
    source: { ip: '81.2.69.x', geo: { country_iso_code: 'GB' } },
    related: { ip: ['81.2.69.x'], user: ['u-1'] },
    audit: { actor: { type: 'operator', id: 'op-1', name: 'Z*** M***' }, change: { field: 'email', before: 'a***@x.io', after: 'b***@y.io' } }
  })
  t.equal(doc.user.email, 'ana@example.com', 'the original is untouched')
  const details = { audit: { details: { new_email: 'alice@example.com', login_ip: '81.2.69.142', tries: 3, seen: ['bob@example.org', 'from 2001:db8::1'] }, tags: ['vip'] } }
  t.same(maskEvent(details), { audit: { details: { new_email: 'a***@example.com', login_ip: '81.2.69.x', tries: 3, seen: ['b***@example.org', 'from 2001:db8:0::x'] }, tags: ['vip'] } }, 'the client\'s details are masked as free text')
})
