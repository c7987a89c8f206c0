import t from 'tap'
import { createServer, type Server } from 'node:http'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { isLinkLocalHost, receiverLookup, refusedAddress } from '../../../src/validation/receiver-address.ts'
import { webhookUrlProblem } from '../../../src/notify/webhook-url.ts'
import { destinationProblems } from '../../../src/streams/destination.ts'
import { httpPost } from '../../../src/notify/http-post.ts'
import { createSender } from '../../../src/streams/senders.ts'
import { StoredSecrets } from '../../../src/store/system/stored-secrets.ts'
import { LOOPBACK_ALLOWED, NOTHING_INTERNAL } from '../../../src/validation/receiver-address.ts'

t.test('link-local addresses, in any notation, are never receivers', async t => {
  for (const host of ['169.254.169.254', '169.254.0.1', '2851995649', '[fe80::1]', 'fe80::abcd', '[::ffff:169.254.169.254]', '[fd00:ec2::254]', '100.100.100.200']) t.ok(isLinkLocalHost(host), host)
  for (const host of ['169.253.255.255', '10.0.0.1', 'fd00::1', '100.100.100.201', 'metadata.example.com']) t.notOk(isLinkLocalHost(host), host)
  t.match(webhookUrlProblem('http://169.254.169.254/latest/meta-data/', LOOPBACK_ALLOWED), /link-local/)
  t.match(webhookUrlProblem('https://[fe80::1]/hook', LOOPBACK_ALLOWED), /link-local/)
  t.match(destinationProblems({ type: 'http', url: 'https://169.254.169.254/' }, LOOPBACK_ALLOWED), [{ path: '/destination/url', message: /link-local/ }])
  t.match(destinationProblems({ type: 'syslog', host: '169.254.10.10', port: 6514 }, LOOPBACK_ALLOWED), [{ path: '/destination/host', message: /link-local/ }])
  t.equal(refusedAddress('169.254.169.254', LOOPBACK_ALLOWED), '169.254.169.254 is link-local or a cloud\'s instance metadata address')
  t.match(refusedAddress('127.0.0.1', NOTHING_INTERNAL), /loopback/)
  t.equal(refusedAddress('127.0.0.1', LOOPBACK_ALLOWED), undefined, 'loopback where the operator allows it')
  t.equal(refusedAddress('203.0.113.9', NOTHING_INTERNAL), undefined)
})

t.test('private network receivers are refused unless the operator allows them', async t => {
  for (const address of ['10.0.0.5', '172.16.0.1', '192.168.0.1', '100.64.0.1', 'fd00::1', 'fc00::5', '::ffff:192.168.0.1']) {
    t.match(refusedAddress(address, NOTHING_INTERNAL), /private network address, not allowed as a receiver on this service \(SILLAGE_RECEIVERS_ALLOW_PRIVATE\)/, address)
    t.equal(refusedAddress(address, { loopback: false, private: true }), undefined, `${address}: allowed`)
  }
  for (const address of ['172.15.255.255', '192.169.0.1', '100.128.0.1', 'fe00::1', '8.8.8.8']) t.equal(refusedAddress(address, NOTHING_INTERNAL), undefined, `${address}: not private`)
  t.match(webhookUrlProblem('https://10.0.0.5/hook', LOOPBACK_ALLOWED), /must not be a private network address: .*SILLAGE_RECEIVERS_ALLOW_PRIVATE/)
  t.equal(webhookUrlProblem('https://10.0.0.5/hook', { loopback: false, private: true }), undefined)
  t.match(webhookUrlProblem('http://10.0.0.5/hook', { loopback: false, private: true }), /https/, 'plain http stays for loopback only')
  // A name (here an address the resolver returns as is) is checked once resolved, as each connection is made.
  await t.rejects(promisify(receiverLookup(NOTHING_INTERNAL))('10.0.0.5', {}), /receiver 10.0.0.5 refused: 10.0.0.5 is a private network address/)
  t.ok(await promisify(receiverLookup({ loopback: false, private: true }))('10.0.0.5', {}))
})

t.test('an IPv6 address that carries an IPv4 one (NAT64, 6to4, IPv4-compatible) is judged by that address too', async t => {
  for (const address of ['64:ff9b::a00:1', '64:ff9b::10.0.0.1', '::a00:1', '2002:a00:1::', '2002:c0a8:101::1']) {
    t.match(refusedAddress(address, NOTHING_INTERNAL), /private network address/, address)
  }
  t.match(refusedAddress('64:ff9b::a9fe:a9fe', { loopback: true, private: true }), /link-local/, 'the instance metadata address through NAT64, always')
  t.match(refusedAddress('64:ff9b::7f00:1', NOTHING_INTERNAL), /loopback/)
  t.equal(refusedAddress('64:ff9b::808:808', NOTHING_INTERNAL), undefined, 'a public address through NAT64 is a receiver')
  t.equal(refusedAddress('2001:db8::a00:1', NOTHING_INTERNAL), undefined, 'other IPv6 addresses carry none')
  t.match(destinationProblems({ type: 'syslog', host: '64:ff9b::c0a8:1', port: 6514 }, NOTHING_INTERNAL), [{ path: '/destination/host', message: /private network/ }], 'written as the host too')
})

t.test('a name is checked once resolved: loopback refused unless allowed, link-local always', async t => {
  const lookup = promisify(receiverLookup(NOTHING_INTERNAL)) as unknown as (host: string, options: object) => Promise<unknown>
  await t.rejects(lookup('localhost', {}), /receiver localhost refused: .* is a loopback address/)
  await t.rejects(lookup('localhost', { all: true }), /loopback/)
  await t.rejects(promisify(receiverLookup(LOOPBACK_ALLOWED))('169.254.169.254', {}), /link-local/)
  t.ok(await promisify(receiverLookup(LOOPBACK_ALLOWED))('localhost', {}), 'loopback allowed')
})

t.test('senders refuse a receiver whose name resolves to this host: nothing reaches it', async t => {
  let reached = 0
  const server: Server = createServer((req, res) => { reached++; req.resume(); res.end() })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const tcp = createTcpServer(socket => { reached++; socket.destroy() })
  await new Promise<void>(resolve => tcp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close(); tcp.close() })
  const port = (server.address() as AddressInfo).port
  const url = `http://localhost:${port}/in`
  await t.rejects(httpPost(5000, NOTHING_INTERNAL)(url, {}, '{}'), /^fetch failed: receiver localhost refused: .* is a loopback address/, 'webhook')
  const sender = createSender(5000, new StoredSecrets('stored-secrets-key-for-tests-0123456789'), NOTHING_INTERNAL)
  // `localhost` is known as loopback before resolving; the resolver catches the names that are not (the webhook's case above).
  await t.rejects(sender({ type: 'http', url }, [{ event: { id: 'e-1' } }], { streamId: 's1' }), /loopback/, 'HTTP stream')
  await t.rejects(sender({ type: 'syslog', host: 'localhost', port: (tcp.address() as AddressInfo).port, tls: false }, [{ event: { id: 'e-1' } }], { streamId: 's1' }), /loopback/, 'syslog stream')
  t.equal(reached, 0)
  t.equal(await httpPost(5000, LOOPBACK_ALLOWED)(url, {}, '{}'), 200, 'allowed, it is sent')
  t.equal(reached, 1)
})

t.test('a stream saved with an address a receiver may no longer have is refused at each send, before any connection', async t => {
  let reached = 0
  const tcp = createTcpServer(socket => { reached++; socket.destroy() })
  await new Promise<void>(resolve => tcp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { tcp.close() })
  const sender = createSender(5000, new StoredSecrets('stored-secrets-key-for-tests-0123456789'), NOTHING_INTERNAL)
  // Addresses written as such never go through the resolver: the sender checks them itself.
  await t.rejects(sender({ type: 'syslog', host: '127.0.0.1', port: (tcp.address() as AddressInfo).port, tls: false }, [{ event: { id: 'e-1' } }], { streamId: 's1' }), /^receiver refused: host loopback receivers are not allowed/)
  await t.rejects(sender({ type: 'http', url: 'https://169.254.169.254/latest' }, [{ event: { id: 'e-1' } }], { streamId: 's1' }), /^receiver refused: url link-local/)
  t.equal(reached, 0)
})
