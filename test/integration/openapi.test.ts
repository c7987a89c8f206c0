import t from 'tap'
import SwaggerParser from '@apidevtools/swagger-parser'
import type { OpenAPIV3 } from 'openapi-types'
import { startStack } from '../helpers/stack.ts'

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
