import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type Server } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { t } from '../helpers/file-test.ts'
import { auth, KEYS, startStack } from '../helpers/stack.ts'
import { makeEvent } from '../helpers/events.ts'
import { octetFrames } from '../helpers/receivers.ts'

/** A self-signed certificate for 127.0.0.1, made for the test by openssl. */
function certificate (): { key: string, cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sillage-tls-'))
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=sillage-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

t.test('syslog over TLS (RFC 5425): the receiver\'s certificate is checked against the CA given', async t => {
  const { key, cert } = certificate()
  const received: Buffer[] = []
  const server: Server = createServer({ key, cert }, socket => {
    const chunks: Buffer[] = []
    socket.on('data', c => chunks.push(c))
    socket.on('end', () => { received.push(Buffer.concat(chunks)) })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  t.teardown(() => { server.close() })
  const port = (server.address() as AddressInfo).port

  const stack = await startStack(t, { env: { SILLAGE_STREAMS_ALLOW_LOOPBACK: 'on', SILLAGE_STREAM_SETTLE_MS: '300', SILLAGE_STREAM_MAX_BACKOFF_MS: '1000' } })
  const { app } = stack.api
  const create = async (name: string, ca?: string): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/v1/streams', headers: auth(KEYS.aAdmin), payload: { name, destination: { type: 'syslog', host: '127.0.0.1', port, tls: true, ...(ca === undefined ? {} : { ca }) } } })
    t.equal(res.statusCode, 201, res.body)
    t.equal(res.json().destination.hasCa, ca !== undefined)
    return res.json().id as string
  }
  await create('with its CA', cert)
  const untrusted = await create('without')
  const events: Array<Record<string, unknown>> = Array.from({ length: 5 }, (_, i) => ({ ...makeEvent('tls', i), audit: { tenant: 'brand-a' } }))
  t.equal((await app.inject({ method: 'POST', url: '/v1/events', headers: auth(KEYS.ingest), payload: { events } })).statusCode, 202)

  const deadline = Date.now() + 60_000
  while (received.flatMap(b => octetFrames(b)).length < 5 && Date.now() < deadline) await sleep(200)
  const frames = received.flatMap(b => octetFrames(b))
  t.same(frames.map(m => (JSON.parse(m.slice(m.indexOf('\uFEFF') + 1)) as { event: { id: string } }).event.id).sort(), events.map(e => (e.event as { id: string }).id).sort(), 'the stream given the CA delivers every event once')
  // The two streams run on their own schedules: the untrusted one may not have tried yet when the other is done.
  const stateOf = async (): Promise<{ deliveredTotal: number, lastError: { message: string } | null }> =>
    (await app.inject({ url: `/v1/streams/${untrusted}`, headers: auth(KEYS.aAdmin) })).json().state
  let state = await stateOf()
  while (state.lastError === null && Date.now() < deadline) { await sleep(200); state = await stateOf() }
  t.equal(state.deliveredTotal, 0, 'the other one delivers nothing')
  t.match(state.lastError?.message, /self.signed|certificate/i, 'and says why')
})
