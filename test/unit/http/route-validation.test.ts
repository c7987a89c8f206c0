import t from 'tap'
import Fastify from 'fastify'
import { Type } from '@sinclair/typebox'
import { installErrorHandler } from '../../../src/http/plugins/errors.ts'
import { bodyCheckedByService } from '../../../src/http/route-validation.ts'

const Body = Type.Object({ name: Type.String() }, { additionalProperties: false })

async function app (): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  installErrorHandler(app)
  app.put('/things/:id', {
    ...bodyCheckedByService,
    schema: {
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      querystring: Type.Object({ dry: Type.Optional(Type.String({ maxLength: 3 })) }),
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ pattern: '^"?\\d+' })) }),
      body: Body
    }
  }, async request => ({ body: request.body }))
  await app.ready()
  return app
}

const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

t.test('the body reaches the service as it came, even one its schema refuses', async t => {
  const a = await app()
  t.teardown(() => a.close())
  const res = await a.inject({ method: 'PUT', url: `/things/${ID}`, payload: { name: 7, extra: true } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { body: { name: 7, extra: true } })
})

t.test('path, query string and headers are checked, each problem under its part, in the project\'s error format', async t => {
  const a = await app()
  t.teardown(() => a.close())
  const badId = await a.inject({ method: 'PUT', url: '/things/not-a-uuid', payload: { name: 'x' } })
  t.equal(badId.statusCode, 400)
  t.same(badId.json(), {
    statusCode: 400, error: 'Bad Request', message: 'the request is invalid',
    errors: [{ index: 0, path: '/params/id', message: 'must be a UUID, such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }]
  })
  const badQuery = await a.inject({ method: 'PUT', url: `/things/${ID}?dry=yesplease`, payload: { name: 'x' } })
  t.equal(badQuery.statusCode, 400)
  t.match(badQuery.json(), { errors: [{ path: '/querystring/dry' }] })
  const badHeader = await a.inject({ method: 'PUT', url: `/things/${ID}`, headers: { 'If-Match': 'abc' }, payload: { name: 'x' } })
  t.equal(badHeader.statusCode, 400)
  t.match(badHeader.json(), { errors: [{ path: '/headers/if-match' }] })
  const good = await a.inject({ method: 'PUT', url: `/things/${ID}?dry=no`, headers: { 'If-Match': '"3.1"' }, payload: { name: 'x' } })
  t.equal(good.statusCode, 200)
})
