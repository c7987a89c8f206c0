import { t } from '../helpers/file-test.ts'
import SwaggerParser from '@apidevtools/swagger-parser'
import type { OpenAPIV3 } from 'openapi-types'
import { auth, KEYS, startStack } from '../helpers/stack.ts'

t.test('the OpenAPI document is valid OpenAPI 3 and complete', async t => {
  const stack = await startStack(t, { worker: false })
  const res = await stack.api.app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json() as OpenAPIV3.Document
  t.equal(doc.openapi, '3.0.3')
  // validate() dereferences in place: give it a copy.
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as OpenAPIV3.Document), 'valid against the OpenAPI 3 schema')

  const expected: Record<string, string[]> = {
    '/v1/events': ['post', 'get'],
    '/v1/events/search': ['post'],
    '/v1/events/{id}': ['get'],
    '/v1/users/{id}/timeline': ['get'],
    '/v1/sessions/{id}/events': ['get'],
    '/health': ['get'],
    '/health/ready': ['get']
  }
  for (const [path, methods] of Object.entries(expected)) {
    for (const method of methods) {
      const op = (doc.paths[path] as Record<string, OpenAPIV3.OperationObject> | undefined)?.[method]
      t.ok(op, `${method.toUpperCase()} ${path} documented`)
      if (op === undefined) continue
      t.ok(op.summary, `${method} ${path} has a summary`)
      t.ok(op.tags?.length, `${method} ${path} is tagged`)
      const ok = op.responses['200'] ?? op.responses['202']
      t.ok((ok as OpenAPIV3.ResponseObject | undefined)?.content?.['application/json']?.schema, `${method} ${path} success response has a schema`)
      if (!path.startsWith('/health')) {
        t.ok(op.responses['401'] && op.responses['403'], `${method} ${path} documents 401 and 403`)
        t.ok(op.responses['400'] ?? op.responses['404'], `${method} ${path} documents its client errors`)
      }
      if (method === 'post') {
        const body = (op.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content['application/json']
        t.ok(body?.schema, `${path} body schema`)
        t.ok(body?.examples ?? (body?.schema as { examples?: unknown }).examples ?? body?.example, `${path} body has examples`)
      }
    }
  }
  const get = (doc.paths['/v1/events'] as { get: OpenAPIV3.OperationObject }).get
  const names = (get.parameters as OpenAPIV3.ParameterObject[]).map(p => p.name)
  for (const n of ['q', 'from', 'to', 'tz', 'ip', 'action', 'cursor', 'size']) t.ok(names.includes(n), `GET /v1/events documents ?${n}`)
  t.ok(doc.components?.securitySchemes?.ApiKey, 'API key scheme')
  const docs = await stack.api.app.inject({ method: 'GET', url: '/docs' })
  t.equal(docs.statusCode, 200, 'the browsable documentation is served')
})

t.test('every documented operation enforces its scope: 401 without a key, 403 with a key lacking it', async t => {
  const stack = await startStack(t, { worker: false })
  const doc = (await stack.api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenAPIV3.Document
  // A key that holds some scope, but not the one named.
  const lacking: Record<string, string> = { ingest: KEYS.read, read: KEYS.ingest, export: KEYS.read, admin: KEYS.read }
  let checked = 0
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, OpenAPIV3.OperationObject & { 'x-required-scope'?: string }>)) {
      const scope = op['x-required-scope']
      t.ok(scope, `${method.toUpperCase()} ${path} states its scope`)
      if (scope === undefined || scope === 'public') continue
      t.match(op.description, `Scope: \`${scope}\``, 'and says it in its description')
      const url = path.replace(/\{[^}]+\}/g, '0123456789abcdef')
      const request = { method: method.toUpperCase() as 'GET', url, ...(method === 'get' || method === 'delete' ? {} : { payload: {} }) }
      t.equal((await stack.api.app.inject(request)).statusCode, 401, `${method.toUpperCase()} ${path} without a key`)
      const wrong = await stack.api.app.inject({ ...request, headers: auth(lacking[scope] as string) })
      t.equal(wrong.statusCode, 403, `${method.toUpperCase()} ${path} with a key lacking "${scope}"`)
      checked++
    }
  }
  t.ok(checked >= 20, `${checked} operations checked`)
})

t.test('the statuses the HTTP layer sends are documented, and sent as documented', async t => {
  const stack = await startStack(t, { worker: false })
  const app = stack.api.app
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenAPIV3.Document
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, OpenAPIV3.OperationObject & { 'x-required-scope'?: string }>)) {
      const name = `${method.toUpperCase()} ${path}`
      const params = (op.parameters as OpenAPIV3.ParameterObject[] | undefined) ?? []
      t.ok(op.responses['431'], `${name} documents 431`)
      if (params.some(p => p.in === 'path')) t.ok(op.responses['400'] && op.responses['414'], `${name} documents 400 and 414 for its path parameters`)
      if (params.length > 0 || op.requestBody !== undefined) t.ok(op.responses['400'], `${name} documents 400`)
      if (op.requestBody !== undefined) t.ok(op.responses['413'] && op.responses['415'], `${name} documents 413 and 415`)
      if (op['x-required-scope'] !== 'public') t.ok(op.responses['429'], `${name} documents 429`)
    }
  }
  const exported = (doc.paths['/v1/exports'] as { post: OpenAPIV3.OperationObject }).post.responses['200'] as OpenAPIV3.ResponseObject
  t.match(exported.content?.['application/json']?.schema, { type: 'array', items: { type: 'object' } }, 'a JSON export is an array of events')
  t.match(exported.content?.['application/zip'] ?? exported.content?.['application/pdf']?.schema, { type: 'string', format: 'binary' })

  const long = await app.inject({ method: 'GET', url: `/v1/events/${'x'.repeat(101)}`, headers: auth(KEYS.read) })
  t.equal(long.statusCode, 414)
  t.same(long.json(), { statusCode: 414, error: 'URI Too Long', message: 'a path parameter is longer than 100 characters' })
  const id = await app.inject({ method: 'GET', url: `/v1/exports/${'x'.repeat(65)}`, headers: auth(KEYS.admin) })
  t.equal(id.statusCode, 400, 'a path parameter too long for its field')
  t.ok((doc.paths['/v1/exports/{id}'] as { get: OpenAPIV3.OperationObject }).get.responses['400'])

  // 431 comes from Node's HTTP parser: only a real connection shows it.
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const status = await fetch(`${address}/health`, { headers: { 'x-padding': 'x'.repeat(20_000) } }).then(r => r.status)
  t.equal(status, 431)
})
