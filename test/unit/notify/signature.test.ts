import t from 'tap'
import { createHmac } from 'node:crypto'
import { deliveryId, newSecret, sign, verify } from '../../../src/notify/signature.ts'
import { webhookUrlProblem } from '../../../src/notify/webhook-url.ts'
import { isLoopbackHost as isLoopback } from '../../../src/validation/receiver-address.ts'
import { LOOPBACK_ALLOWED, NOTHING_INTERNAL } from '../../../src/validation/receiver-address.ts'

t.test('HMAC-SHA256 over <timestamp>.<body>', async t => {
  const secret = 'whsec_test'
  const body = '{"id":"dlv_1","type":"alert.raised"}'
  const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')
  t.equal(sign(secret, 1700000000, body), `v1=${expected}`)
  const header = { timestamp: '1700000000', signature: `v1=${expected}` }
  t.ok(verify(secret, header, body, 1700000100))
  t.notOk(verify(secret, header, `${body} `, 1700000100), 'another body')
  t.notOk(verify('whsec_other', header, body, 1700000100), 'another secret')
  t.notOk(verify(secret, { ...header, timestamp: '1700000001' }, body, 1700000100), 'another timestamp')
  t.notOk(verify(secret, header, body, 1700000000 + 301), 'too old: a replay')
  t.ok(verify(secret, { ...header, signature: `v1=00, v1=${expected}` }, body, 1700000000), 'one of several signatures')
  t.notOk(verify(secret, { timestamp: undefined, signature: header.signature }, body, 1700000000))
})

t.test('secrets and delivery ids', async t => {
  t.match(newSecret(), /^whsec_[A-Za-z0-9_-]{43}$/)
  t.not(newSecret(), newSecret())
  t.equal(deliveryId('w', 'a'), deliveryId('w', 'a'), 'the same on every retry')
  t.not(deliveryId('w', 'a'), deliveryId('w', 'b'))
  t.match(deliveryId('w', 'a'), /^dlv_[0-9a-f]{32}$/)
})

t.test('HTTPS, or HTTP to a loopback address only, and loopback only where allowed', async t => {
  t.equal(webhookUrlProblem('https://hooks.example.com/x', LOOPBACK_ALLOWED), undefined)
  t.equal(webhookUrlProblem('http://127.0.0.1:8080/x', LOOPBACK_ALLOWED), undefined)
  t.equal(webhookUrlProblem('http://[::1]:8080/x', LOOPBACK_ALLOWED), undefined)
  t.equal(webhookUrlProblem('http://localhost/x', LOOPBACK_ALLOWED), undefined)
  t.match(webhookUrlProblem('http://hooks.example.com/x', LOOPBACK_ALLOWED), /https/)
  t.match(webhookUrlProblem('http://203.0.113.9/x', LOOPBACK_ALLOWED), /https/)
  t.match(webhookUrlProblem('http://127.0.0.1.nip.io/x', LOOPBACK_ALLOWED), /https/)
  t.match(webhookUrlProblem('ftp://example.com/x', LOOPBACK_ALLOWED), /https/)
  t.match(webhookUrlProblem('https://user:pw@example.com/x', LOOPBACK_ALLOWED), /credentials/)
  t.match(webhookUrlProblem('not a url', LOOPBACK_ALLOWED), /absolute URL/)
  for (const url of ['http://127.0.0.1:9200/x', 'https://localhost/x', 'http://[::1]:8080/x', 'https://127.1.2.3/x', 'http://0.0.0.0:9200/x', 'http://[::]:9200/x', 'https://api.localhost/x', 'http://localhost.:9200/x']) {
    t.match(webhookUrlProblem(url, NOTHING_INTERNAL), /loopback receivers are not allowed on this service/, `${url}: refused unless the operator allows loopback`)
  }
  t.equal(webhookUrlProblem('https://hooks.example.com/x', NOTHING_INTERNAL), undefined)
  t.ok(isLoopback('127.8.9.10'))
  t.notOk(isLoopback('128.0.0.1'))
  // The same addresses written the other ways the URL parser and the resolver take them.
  for (const url of ['https://[::ffff:127.0.0.1]/x', 'https://[0:0:0:0:0:ffff:127.0.0.1]/x', 'https://[::127.0.0.1]/x', 'https://[0:0::1]/x', 'https://127.1/x', 'https://2130706433/x', 'https://0x7f000001/x', 'https://0177.0.0.1/x', 'https://0/x']) {
    t.match(webhookUrlProblem(url, NOTHING_INTERNAL), /loopback receivers are not allowed on this service/, `${url}: refused`)
  }
  t.equal(webhookUrlProblem('https://[::ffff:203.0.113.9]/x', NOTHING_INTERNAL), undefined, 'a mapped address elsewhere is no loopback')
})
