import t from 'tap'
import fc from 'fast-check'
import { maskText } from '../../../src/auth/masking.ts'

// The expressions maskText used before it became one pass (letters and digits of any script): its results must stay the same.
const EMAIL_IN_TEXT = /([\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]*(@[\p{L}\p{N}.-]+\.\p{L}{2,})/gu
// IPv4 between non-digits rather than word boundaries: `client_81.2.69.142` quotes an address too.
const IPV4_IN_TEXT = /(?<!\d)(\d{1,3}\.\d{1,3}\.\d{1,3})\.\d{1,3}(?!\d)/g
const byRegex = (text: string): string => text.replace(EMAIL_IN_TEXT, '$1***$2').replace(IPV4_IN_TEXT, '$1.x')

t.test('emails and addresses in free text are masked in place', async t => {
  t.equal(maskText('refund asked by john.doe@example.com from 203.0.113.7'), 'refund asked by j***@example.com from 203.0.113.x')
  t.equal(maskText('a@b@c.com'), 'a@b***@c.com')
  t.equal(maskText('x@a.com.y@b.com'), 'x***@a.com.***@b.com')
  t.equal(maskText('mail x@a.b1 or y@host.co.uk!'), 'mail x@a.b1 or y***@host.co.uk!')
  t.equal(maskText('@example.com, me@, a@.com'), '@example.com, me@, a@.com')
})

t.test('addresses and emails beyond ASCII and IPv4', async t => {
  t.equal(maskText('jörg.müller@example.de, ü@example.org, ana@exämple.de'), 'j***@example.de, ü***@example.org, a***@exämple.de', 'a local part in any script is masked whole')
  t.equal(maskText('sign-in from 2a01:e0a:1f2:3c4::17 refused'), 'sign-in from 2a01:e0a:1f2::x refused', 'as source.ip shows it')
  t.equal(maskText('from 2a01:e0a::1: refused, then ::ffff:81.2.69.142.'), 'from 2a01:e0a:0::x: refused, then 0:0:0::x.', 'punctuation after an address stays')
  t.equal(maskText('at 12:30:45, ratio 3:2, id dead:beef:cafe'), 'at 12:30:45, ratio 3:2, id dead:beef:cafe', 'what is not an address is left')
  t.equal(maskText(`${'a:'.repeat(20_000)}`).length < 40_000, true, 'a long run (of eight-group addresses)')
  t.equal(maskText(`${'g:'.repeat(20_000)}`), 'g:'.repeat(20_000), 'a long run that is no address')
})

t.test('an address behind a label, or followed by more text, is masked too', async t => {
  t.equal(maskText('login ip:2001:db8:85a3::8a2e:370:7334'), 'login ip:2001:db8:85a3::x')
  t.equal(maskText('IPv6:2001:db8:85a3:0:0:8a2e:370:7334'), 'IPv6:2001:db8:85a3::x', 'not the eight groups that end one group early')
  t.equal(maskText('ip:::1, then v2001:db8::1'), 'ip:0:0:0::x, then v2001:db8:0::x')
  t.equal(maskText('from 2001:db8::1.Access denied'), 'from 2001:db8:0::x.Access denied')
  t.equal(maskText('[2001:db8::1]:443 and fe80::1%eth0'), '[2001:db8:0::x]:443 and fe80:0:0::x%eth0')
  t.equal(maskText('client_81.2.69.142 from IP81.2.69.142'), 'client_81.2.69.x from IP81.2.69.x')
})

t.test('the same masking as the regular expressions, for any text', async () => {
  const char = fc.constantFrom('a', 'B', 'z', '0', '7', '.', '-', '_', '%', '+', '@', ' ', ',', 'é', '1', '2', '3')
  fc.assert(fc.property(fc.array(char, { maxLength: 60 }).map(cs => cs.join('')), text => maskText(text) === byRegex(text)), { numRuns: 20_000 })
  // Without colons: IPv6 addresses are tested above.
  fc.assert(fc.property(fc.string({ maxLength: 80 }).filter(text => !text.includes(':')), text => maskText(text) === byRegex(text)), { numRuns: 5000 })
})

t.test('long messages take linear time', async t => {
  // Before: about 0.2 s for each such message (a run of letters, or of dotted letters, without a valid email).
  const messages = ['A'.repeat(10_000), 'a.'.repeat(5000), `${'a'.repeat(5000)}@${'b'.repeat(5000)}`, `${'x@'.repeat(5000)}`, `${'ab.'.repeat(3000)}@${'c.'.repeat(2000)}`]
  const started = performance.now()
  for (let i = 0; i < 20; i++) for (const m of messages) maskText(m)
  const ms = performance.now() - started
  // A bound far above linear time (tens of ms) and far below the quadratic one (about 20 s), for a busy machine.
  t.ok(ms < 5000, `100 long messages masked in ${ms.toFixed(0)} ms`)
  t.equal(maskText(`${'a'.repeat(10_000)}@example.com`), `a***@example.com`)
})
