import t from 'tap'
import { request as httpRequest } from 'node:http'
import { Readable } from 'node:stream'
import Fastify from 'fastify'
import { CLIENT_CLOSED, installAccessAudit, loggedBody } from '../../../src/http/plugins/access-audit.ts'
import type { AccessLog, AccessRecord } from '../../../src/store/system/access-log.ts'

t.test('the body as the log keeps it: secrets replaced at any depth, deep nesting cut', async t => {
  t.same(loggedBody({ name: 's', destination: { url: 'https://x', token: 'abc', ca: 'PEM' }, list: [{ password: 'p' }] }),
    { name: 's', destination: { url: 'https://x', token: '(redacted)', ca: '(redacted)' }, list: [{ password: '(redacted)' }] })
  let deep: unknown = 1
  for (let i = 0; i < 100_000; i++) deep = { a: deep }
  t.doesNotThrow(() => JSON.stringify(loggedBody(deep)), 'a body nested 100,000 levels is recorded, cut')
  t.match(JSON.stringify(loggedBody(deep)), /nested too deeply to be recorded/)
})

t.test('an answer the client stops reading is recorded, once, with status 499', async t => {
  const records: AccessRecord[] = []
  const app = Fastify()
  app.decorateRequest('principal', undefined)
  app.addHook('onRequest', async request => { (request as { principal?: unknown }).principal = { keyId: 'k-1', scopes: ['export'], tenant: 'brand-a' } })
  installAccessAudit(app, { record: (r: AccessRecord) => { records.push(r) } } as unknown as AccessLog)
  // 64 MB, made as it is read: far more than the socket buffers hold.
  app.get('/big', { config: { scope: 'export' } as never }, async (_request, reply) => {
    let sent = 0
    return await reply.type('text/csv').send(new Readable({ read () { this.push(sent++ < 1024 ? Buffer.alloc(65536, 97) : null) } }))
  })
  app.get('/small', { config: { scope: 'read' } as never }, async () => ({ total: 3 }))
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(async () => { await app.close() })
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest(`${address}/big`, res => { res.once('data', () => { req.destroy(); resolve() }) })
    req.once('error', err => { if (!req.destroyed) reject(err) })
    req.end()
  })
  for (let i = 0; i < 50 && records.length === 0; i++) await new Promise(resolve => setTimeout(resolve, 20))
  await fetch(`${address}/small`).then(async r => await r.text())
  await new Promise(resolve => setTimeout(resolve, 100))
  t.match(records, [{ route: '/big', status: CLIENT_CLOSED, key_id: 'k-1' }, { route: '/small', status: 200, results: 3 }])
  t.equal(records.length, 2)
})
