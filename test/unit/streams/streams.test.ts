import t from 'tap'
import { frame, syslogMessage } from '../../../src/streams/syslog.ts'
import { destinationProblems, keepSecrets, publicDestination } from '../../../src/streams/destination.ts'
import { isLoopbackHost } from '../../../src/validation/receiver-address.ts'
import { caughtUp, delivered, failed, horizon, pruneSnapshots, publicState, retryDelay } from '../../../src/streams/delivery-state.ts'
import { FRESH_POSITION } from '../../../src/streams/schema.ts'
import { octetFrames } from '../../helpers/receivers.ts'
import { LOOPBACK_ALLOWED, NOTHING_INTERNAL } from '../../../src/validation/receiver-address.ts'

const EVENT = {
  '@timestamp': '2026-11-26T14:03:00.000Z',
  event: { id: 'evt-"1"]', action: 'password changed', outcome: 'success' },
  user: { id: 'u-1' },
  source: { ip: '81.2.69.142' },
  audit: { tenant: 'brand-a', category: 'profile', importance: { level: 'high', score: 70, rule: 'x' } },
  message: 'mot de passe changé ✓'
}

t.test('RFC 5424: header fields, escaped structured data, BOM and the JSON event', async t => {
  const m = syslogMessage(EVENT, { facility: 13, hostname: 'audit eu' })
  // PRI = 13 × 8 + 4 (warning, for a high importance); spaces are not allowed in HOSTNAME or MSGID.
  t.ok(m.startsWith('<108>1 2026-11-26T14:03:00.000Z auditeu sillage - passwordchanged [audit@32473 tenant="brand-a" id="evt-\\"1\\"\\]" category="profile" outcome="success" importance="high" user="u-1" ip="81.2.69.142"] \uFEFF{'), m)
  t.same(JSON.parse(m.slice(m.indexOf('\uFEFF') + 1)), EVENT)
  const nil = syslogMessage({ event: {} }, { facility: 10, hostname: '' })
  t.match(nil, /^<86>1 - - sillage - - \[audit@32473 importance="low"\] /, 'nil values where a field is missing')
})

t.test('octet counting counts bytes, not characters', async t => {
  const frames = [frame(syslogMessage(EVENT, { facility: 13, hostname: 'h' })), frame('<14>1 - - - - - - é')]
  const joined = Buffer.concat(frames)
  t.same(octetFrames(joined), [syslogMessage(EVENT, { facility: 13, hostname: 'h' }), '<14>1 - - - - - - é'])
  t.ok(frames[1]?.toString('utf8').startsWith('20 '), 'é is two bytes')
})

t.test('destinations: encrypted and not loopback, unless the operator allows loopback receivers', async t => {
  t.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('[::1]') && isLoopbackHost('localhost') && !isLoopbackHost('10.0.0.1') && !isLoopbackHost('siem.example.com'))
  const paths = (d: Parameters<typeof destinationProblems>[0], allow = NOTHING_INTERNAL): string[] => destinationProblems(d, allow).map(p => p.path)
  t.same(paths({ type: 'http', url: 'https://siem.example.com/in' }), [])
  t.same(paths({ type: 'http', url: 'http://siem.example.com/in' }), ['/destination/url'])
  t.same(paths({ type: 'http', url: 'https://user:pw@siem.example.com/in' }), ['/destination/url'])
  t.same(paths({ type: 'http', url: 'http://127.0.0.1:9000/in' }), ['/destination/url'], 'loopback refused by default')
  t.same(paths({ type: 'http', url: 'http://127.0.0.1:9000/in' }, LOOPBACK_ALLOWED), [])
  t.same(paths({ type: 'syslog', host: 'siem.example.com', port: 6514 }), [])
  t.same(paths({ type: 'syslog', host: 'siem.example.com', port: 514, tls: false }), ['/destination/tls'])
  t.same(paths({ type: 'syslog', host: '127.0.0.1', port: 514, tls: false }, LOOPBACK_ALLOWED), [])
  for (const host of ['127.1', '2130706433', '0x7f000001', '0177.0.0.1', '0', '0:0::1', '::0:1', '::ffff:7f00:1', '::ffff:127.0.0.1', 'LOCALHOST.']) {
    t.same(paths({ type: 'syslog', host, port: 6514 }), ['/destination/host'], `${host}: a loopback address however written`)
  }
  t.same(paths({ type: 'http', url: 'https://[::ffff:127.0.0.1]:9000/in' }), ['/destination/url'])
  for (const host of ['10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.10', '100.64.0.1', 'fd12:3456::1', '::ffff:10.1.2.3', '10.1', '167772161']) {
    t.same(paths({ type: 'syslog', host, port: 6514 }), ['/destination/host'], `${host}: a private network address however written`)
    t.same(paths({ type: 'syslog', host, port: 6514 }, { loopback: false, private: true }), [], `${host}: where the operator allows private receivers`)
  }
  t.match(destinationProblems({ type: 'http', url: 'https://192.168.1.10/in' }, NOTHING_INTERNAL), [{ path: '/destination/url', message: /private network receivers .*SILLAGE_RECEIVERS_ALLOW_PRIVATE/ }])
  t.same(paths({ type: 'syslog', host: '172.32.0.1', port: 6514 }), [], 'outside 172.16.0.0/12')
  t.same(paths({ type: 'syslog', host: 'siem.example.com', port: 6514, ca: 'not a pem' }), ['/destination/ca'])
  t.same(publicDestination({ type: 'http', url: 'https://x', token: 'secret-token' }), { type: 'http', url: 'https://x', hasToken: true })
  t.same(keepSecrets({ type: 'http', url: 'https://x' }, { type: 'http', url: 'https://x', token: 'secret-token' }), { type: 'http', url: 'https://x', token: 'secret-token' })
  t.same(keepSecrets({ type: 'http', url: 'https://y' }, { type: 'http', url: 'https://x', token: 'secret-token' }), { type: 'http', url: 'https://y' }, 'a token never follows to another receiver')
})

t.test('the horizon: below the oldest unfinished job of a snapshot older than the refresh', async t => {
  const snaps = [{ takenAt: 1000, oldestPendingAt: 400 }, { takenAt: 2000, oldestPendingAt: 2000 }, { takenAt: 2900, oldestPendingAt: 2500 }]
  t.equal(horizon(snaps, 2000, 1500, 100), undefined, 'no snapshot old enough yet')
  t.equal(horizon(snaps, 2600, 1500, 100), 300, 'the old one: a job queued at 400 was still pending')
  t.equal(horizon(snaps, 3600, 1500, 100), 1900, 'the newest old enough')
  t.same(pruneSnapshots(snaps, 3600, 1500), [{ takenAt: 2000, oldestPendingAt: 2000 }, { takenAt: 2900, oldestPendingAt: 2500 }])
})

t.test('delivery state: success moves the position, failure keeps it and backs off', async t => {
  t.same([1, 2, 3, 10].map(n => retryDelay(n, 60_000)), [1000, 2000, 4000, 60_000])
  const one = delivered(FRESH_POSITION, [5000, 'e-9'], 10, true, 6000)
  t.same(one.after, [5000, 'e-9'])
  t.equal(one.behindSince, 5000, 'a full batch: more may wait')
  const down = failed(one, 5100, 'connect ECONNREFUSED', 7000, 60_000)
  t.same([down.after, down.consecutiveFailures, down.failingSince, down.nextAttemptAt, down.behindSince], [[5000, 'e-9'], 1, 7000, 8000, 5100])
  const again = failed(down, 5100, 'connect ECONNREFUSED', 9000, 60_000)
  t.same([again.failingSince, again.nextAttemptAt], [7000, 11_000], 'failing since the first failure; the wait doubles')
  const back = delivered(again, [5200, 'e-12'], 3, false, 12_000)
  t.same([back.consecutiveFailures, back.failingSince, back.behindSince, back.deliveredTotal], [0, null, null, 13])
  t.same(caughtUp({ ...back, behindSince: 1 }).behindSince, null)
  const view = publicState(down, 10_000)
  t.same(view.position, { ingested: '1970-01-01T00:00:05.000Z', eventId: 'e-9' })
  t.equal(view.lagSeconds, 4.9)
  t.same(view.lastError, { at: '1970-01-01T00:00:07.000Z', message: 'connect ECONNREFUSED' })
})
