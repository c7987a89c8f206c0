import t from 'tap'
import Fastify from 'fastify'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import { redactedUrl, withRedactedUrls } from '../../../src/http/plugins/redacted-url.ts'

t.test('secret query values are replaced; the rest of the URL is kept as requested', async t => {
  t.equal(redactedUrl('/v1/auth/oidc/callback?code=abc&state=xyz&session_state=s&iss=https%3A%2F%2Fidp'), '/v1/auth/oidc/callback?code=(redacted)&state=(redacted)&session_state=(redacted)&iss=https%3A%2F%2Fidp')
  t.equal(redactedUrl('/x?%63ode=abc&access_token=t&id_token=i'), '/x?%63ode=(redacted)&access_token=(redacted)&id_token=(redacted)', 'names read decoded')
  t.equal(redactedUrl('/v1/events?q=user.id:u-1&size=5'), '/v1/events?q=user.id:u-1&size=5')
  t.equal(redactedUrl('/v1/events?code'), '/v1/events?code', 'a name without a value has nothing to hide')
  t.equal(redactedUrl('/v1/events?%E0=1'), '/v1/events?%E0=1', 'a name that does not decode is kept')
  t.equal(redactedUrl('/v1/events'), '/v1/events')
})

t.test('the request log of the HTTP application keeps no sign-in code', async t => {
  const lines: string[] = []
  const sink = new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } })
  const app = Fastify({ loggerInstance: withRedactedUrls(pino(sink)) })
  app.get('/v1/auth/oidc/callback', async () => ({}))
  t.teardown(async () => { await app.close() })
  await app.inject({ method: 'GET', url: '/v1/auth/oidc/callback?code=SECRET-CODE&state=SECRET-STATE' })
  const incoming = lines.map(l => JSON.parse(l) as { msg: string, req?: { url: string, method: string } }).find(l => l.msg === 'incoming request')
  t.same(incoming?.req?.url, '/v1/auth/oidc/callback?code=(redacted)&state=(redacted)')
  t.equal(incoming?.req?.method, 'GET')
  t.notMatch(lines.join(''), /SECRET/)
})
